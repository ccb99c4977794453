using System.Net;
using System.Text.Json;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Viewer.Neuroglancer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cremi.Viewer.Tests;

/// <summary>Views of many results on one server (the worker's finished jobs), each under /jobs/{id}/.</summary>
public sealed class JobViewsTests : IAsyncLifetime
{
    private readonly DisplayTestFiles _files = new();
    private JobViews? _views;
    private WebApplication? _app;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _views = new JobViews(id => id == "job 1" ? new ViewFiles(_files.Data, _files.Mask) : null);
        _views.Map(_app);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        _views?.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task A_jobs_view_opens_the_viewer_on_that_jobs_volumes()
    {
        var response = await _client.GetAsync("/jobs/job%201/view");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/viewer/#!", location);
        using var state = JsonDocument.Parse(Uri.UnescapeDataString(location["/viewer/#!".Length..]));
        var sources = state.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("source").GetString()!).ToArray();
        Assert.Contains(sources, s => s == $"precomputed://{_client.BaseAddress}jobs/job%201/data/raw");
        Assert.Contains(sources, s => s.EndsWith("/jobs/job%201/data/mask", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_jobs_volumes_are_served_like_the_display_servers()
    {
        using var info = JsonDocument.Parse(await _client.GetStringAsync("/jobs/job%201/data/mask/info"));
        Assert.Equal("segmentation", info.RootElement.GetProperty("type").GetString());
        // The first chunk of the default 8x128x128 grid, truncated to the 70x90 sections, named with the offset (3,5,2).
        var bytes = await _client.GetByteArrayAsync("/jobs/job%201/data/raw/s0/3-93_5-75_2-10");
        using var file = CremiFile.Open(_files.Data);
        Assert.Equal(file.ReadRaw(0, 0, 0, new Shape3(8, 70, 90)).Data, bytes);
    }

    [Fact]
    public async Task Unknown_jobs_volumes_and_chunk_names_are_refused()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/jobs/other/view")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/jobs/other/data/raw/info")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/jobs/job%201/data/..%2Fetc/info")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/jobs/job%201/data/raw/s0/1-2_3-4_5-6")).StatusCode);
    }
}
