using System.Net;
using System.Text.Json;
using Cremi.Viewer.Neuroglancer;

namespace Cremi.Viewer.Tests;

/// <summary>The state that opens the viewer, the index page and the viewer files.</summary>
public sealed class ViewerStateTests : IDisposable
{
    private readonly DisplayTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void The_state_has_every_layer_with_absolute_precomputed_urls_and_the_voxel_size_in_metres()
    {
        var state = ViewerState.For(_files.Catalog(), new Uri("http://127.0.0.1:9000/")).ToJsonString();
        using var json = JsonDocument.Parse(state);
        var layers = json.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(["raw", "truth", "mask", "probability"], layers.Select(l => l.GetProperty("name").GetString()));
        Assert.Equal(["image", "segmentation", "segmentation", "image"], layers.Select(l => l.GetProperty("type").GetString()));
        Assert.Equal("precomputed://http://127.0.0.1:9000/data/mask", layers[2].GetProperty("source").GetString());
        Assert.Contains("emitRGBA(vec4(1.0, 0.0, 0.0", layers[3].GetProperty("shader").GetString());
        var x = json.RootElement.GetProperty("dimensions").GetProperty("x");
        Assert.Equal(4e-9, x[0].GetDouble(), 15);
        Assert.Equal("m", x[1].GetString());
        Assert.Equal(40e-9, json.RootElement.GetProperty("dimensions").GetProperty("z")[0].GetDouble(), 15);
    }

    [Fact]
    public void The_viewer_opens_on_a_cleft_of_the_mask_in_world_voxels()
    {
        var catalog = _files.Catalog();
        Assert.True(catalog.Position.OnCleft);
        Assert.Equal(1UL, DisplayTestFiles.MaskAt(catalog.Position.Z, catalog.Position.Y, catalog.Position.X));
        using var json = JsonDocument.Parse(ViewerState.For(catalog, new Uri("http://127.0.0.1:9000/")).ToJsonString());
        var position = json.RootElement.GetProperty("position").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        // Voxel offset (x 3, y 5, z 2) plus the voxel, plus half a voxel for its centre.
        Assert.Equal([3 + catalog.Position.X + 0.5, 5 + catalog.Position.Y + 0.5, 2 + 7 + 0.5], position);
    }

    [Fact]
    public void The_viewer_url_carries_the_state_url_encoded_after_the_hash_bang()
    {
        var catalog = _files.Catalog();
        var url = ViewerState.ViewerUrl(catalog, new Uri("http://127.0.0.1:9000/"));
        Assert.StartsWith("http://127.0.0.1:9000/#!", url.AbsoluteUri);
        var state = Uri.UnescapeDataString(url.Fragment["#!".Length..]);
        Assert.Equal(ViewerState.For(catalog, new Uri("http://127.0.0.1:9000/")).ToJsonString(), state);
    }

    [Fact]
    public async Task State_json_and_the_index_page_use_the_address_the_client_asked_for()
    {
        await using var run = await _files.StartAsync();
        var state = await run.Client.GetStringAsync("/state.json");
        Assert.Contains($"precomputed://http://127.0.0.1:{run.Server.BaseAddress.Port}/data/raw", state);
        var page = await run.Client.GetStringAsync("/volumes");
        Assert.Contains("data.hdf", page);
        Assert.Contains("mask.hdf", page);
        Assert.Contains("on a cleft", page);
        Assert.DoesNotContain(_files.Folder, page); // file names only, never where they live
    }

    [Fact]
    public async Task The_viewer_is_embedded_and_served_at_the_root_with_its_bundles()
    {
        // Fails only on a build machine without npm, where the build printed why (build/Neuroglancer.targets).
        Assert.True(ViewerAssets.Embedded.IsAvailable, ViewerAssets.MissingReason);
        Assert.Equal("2.37.5", ViewerAssets.Version);
        await using var run = await _files.StartAsync();
        var index = await run.Client.GetStringAsync("/");
        Assert.Contains("main.bundle.js", index);
        using var bundle = await run.Client.GetAsync("/main.bundle.js");
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Equal("text/javascript", bundle.Content.Headers.ContentType!.MediaType);
        Assert.True(bundle.Content.Headers.ContentLength > 100_000);
        Assert.Equal(HttpStatusCode.OK, (await run.Client.GetAsync("/chunk_worker.bundle.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync("/main.bundle.js.map")).StatusCode);
    }
}
