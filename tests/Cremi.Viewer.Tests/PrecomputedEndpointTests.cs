using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Viewer.Neuroglancer;

namespace Cremi.Viewer.Tests;

/// <summary>The precomputed routes over real HTTP, against a Kestrel on a free loopback port.</summary>
public sealed class PrecomputedEndpointTests : IDisposable
{
    private readonly DisplayTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Info_describes_each_volume_in_xyz_order_with_the_files_resolution_and_offset()
    {
        await using var run = await _files.StartAsync();
        using var raw = JsonDocument.Parse(await run.Client.GetStringAsync("/data/raw/info"));
        Assert.Equal("image", raw.RootElement.GetProperty("type").GetString());
        Assert.Equal("uint8", raw.RootElement.GetProperty("data_type").GetString());
        Assert.Equal(1, raw.RootElement.GetProperty("num_channels").GetInt32());
        var scale = raw.RootElement.GetProperty("scales")[0];
        Assert.Equal([90, 70, 10], Ints(scale.GetProperty("size")));
        Assert.Equal([4.0, 4.0, 40.0], scale.GetProperty("resolution").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([3, 5, 2], Ints(scale.GetProperty("voxel_offset")));
        Assert.Equal([32, 32, 4], Ints(scale.GetProperty("chunk_sizes")[0]));
        Assert.Equal("raw", scale.GetProperty("encoding").GetString());

        using var mask = JsonDocument.Parse(await run.Client.GetStringAsync("/data/mask/info"));
        Assert.Equal("segmentation", mask.RootElement.GetProperty("type").GetString());
        Assert.Equal("uint64", mask.RootElement.GetProperty("data_type").GetString());
        using var probability = JsonDocument.Parse(await run.Client.GetStringAsync("/data/probability/info"));
        Assert.Equal("image", probability.RootElement.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync("/data/nothing/info")).StatusCode);
    }

    [Fact]
    public async Task A_raw_chunk_is_the_hdf5_sub_block_with_x_fastest()
    {
        await using var run = await _files.StartAsync();
        // Chunk (1,1,1) of the grid: voxels z 4..8, y 32..64, x 32..64, named with the voxel offset (3,5,2) added.
        var bytes = await run.Client.GetByteArrayAsync("/data/raw/s0/35-67_37-69_6-10");
        using var file = CremiFile.Open(_files.Data);
        Assert.Equal(file.ReadRaw(4, 32, 32, new Shape3(4, 32, 32)).Data, bytes);
        Assert.Equal(DisplayTestFiles.RawAt(4, 32, 33), bytes[1]);
    }

    [Fact]
    public async Task Edge_chunks_are_truncated_to_the_volume_not_padded()
    {
        await using var run = await _files.StartAsync();
        // Last chunk on every axis: z 8..10, y 64..70, x 64..90.
        var bytes = await run.Client.GetByteArrayAsync("/data/raw/s0/67-93_69-75_10-12");
        Assert.Equal(2 * 6 * 26, bytes.Length);
        Assert.Equal(DisplayTestFiles.RawAt(9, 69, 89), bytes[^1]);
    }

    [Fact]
    public async Task Cleft_chunks_are_little_endian_uint64_with_the_cremi_background_and_ignore_label_shown_as_zero()
    {
        await using var run = await _files.StartAsync();
        var first = Ulongs(await run.Client.GetByteArrayAsync("/data/truth/s0/3-35_5-37_2-6"));
        Assert.Equal(4 * 32 * 32, first.Length);
        Assert.Equal(0UL, first[0]); // ignore label
        Assert.Equal(5UL, first[(3 * 32 + 20) * 32 + 25]);
        Assert.Equal(0UL, first[(3 * 32 + 19) * 32 + 25]); // background
        Assert.Equal(1 * 12 * 7, first.Count(v => v == 5)); // of the box, z 3, y 20..32 and x 25..32 lie in this chunk
        var last = Ulongs(await run.Client.GetByteArrayAsync("/data/truth/s0/3-35_5-37_10-12"));
        Assert.Equal(0x0102030405060708UL, last[(1 * 32 + 0) * 32 + 0]);
        var mask = Ulongs(await run.Client.GetByteArrayAsync("/data/mask/s0/67-93_37-69_6-10"));
        Assert.Equal(16, mask.Count(v => v == 1));
        Assert.All(mask, v => Assert.True(v is 0 or 1));
    }

    [Fact]
    public async Task A_python_tool_mask_is_served_as_cleft_id_1_on_segment_zero()
    {
        // The Python tool writes one uint8 dataset `data`, 1 = cleft, without resolution or offset.
        var values = new byte[10, 70, 90];
        for (var y = 60; y < 64; y++)
        for (var x = 80; x < 84; x++)
            values[7, y, x] = 1;
        var path = Path.Combine(_files.Folder, "segmentation_mask.hdf");
        new PureHDF.H5File { ["data"] = values }.Write(path);

        var catalog = VolumeCatalog.Open(_files.Data, path, DisplayTestFiles.Chunks);
        var at = catalog.Position;
        Assert.True(at.OnCleft && values[at.Z, at.Y, at.X] == 1, $"{at} is not on the mask's cleft");
        await using var server = await NeuroglancerServer.StartAsync(catalog, new NeuroglancerServerOptions { Port = 0 });
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        // No offset in the mask file: its grid starts at 0.
        var mask = Ulongs(await client.GetByteArrayAsync("/data/mask/s0/64-90_32-64_4-8"));
        Assert.Equal(16, mask.Count(v => v == 1));
        Assert.Equal(mask.Length - 16, mask.Count(v => v == 0));
    }

    [Fact]
    public async Task The_probability_chunk_comes_from_the_mask_files_predictions()
    {
        await using var run = await _files.StartAsync();
        var bytes = await run.Client.GetByteArrayAsync("/data/probability/s0/35-67_5-37_2-6");
        Assert.Equal((byte)(32 * 2), bytes[0]);
        Assert.Equal((byte)(63 * 2), bytes[31]);
    }

    [Fact]
    public async Task Chunks_are_gzipped_when_the_client_accepts_it_and_cached_with_an_etag()
    {
        await using var run = await _files.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/data/truth/s0/3-35_5-37_2-6");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await run.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Contains("max-age=31536000", response.Headers.CacheControl!.ToString());
        Assert.True(response.Headers.CacheControl.Private);
        var wire = await response.Content.ReadAsByteArrayAsync();
        using var gunzip = new GZipStream(new MemoryStream(wire), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gunzip.CopyToAsync(plain);
        Assert.Equal(4 * 32 * 32 * 8, plain.Length);
        Assert.True(wire.Length < plain.Length / 10, $"{wire.Length} bytes gzipped from {plain.Length}");

        using var again = new HttpRequestMessage(HttpMethod.Get, "/data/truth/s0/3-35_5-37_2-6");
        again.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var cached = await run.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);

        using var identity = await run.Client.GetAsync("/data/truth/s0/3-35_5-37_2-6");
        Assert.Empty(identity.Content.Headers.ContentEncoding);
        Assert.NotEqual(response.Headers.ETag, identity.Headers.ETag);
    }

    [Theory]
    [InlineData("/data/raw/s0/0-32_5-37_2-6", "x range 0-32 does not start")] // before the voxel offset
    [InlineData("/data/raw/s0/4-36_5-37_2-6", "does not start on the chunk grid")] // off the grid
    [InlineData("/data/raw/s0/3-36_5-37_2-6", "must end at 35")] // wrong length
    [InlineData("/data/raw/s0/3-35_5-37_12-16", "z range 12-16")] // past the last section
    [InlineData("/data/raw/s0/67-99_69-75_10-12", "must end at 93")] // padded edge chunk
    [InlineData("/data/raw/s0/3-35_5-37", "is not a chunk name")]
    [InlineData("/data/raw/s0/a-b_5-37_2-6", "not two non-negative integers")]
    [InlineData("/data/raw/s0/-3-35_5-37_2-6", "not two non-negative integers")]
    [InlineData("/data/raw/s0/99999999999999999999-1_5-37_2-6", "not two non-negative integers")]
    public async Task Chunk_names_outside_the_volume_or_off_the_grid_get_400_with_the_reason(string path, string reason)
    {
        await using var run = await _files.StartAsync();
        using var response = await run.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/data/..%2F..%2F..%2Fetc%2Fpasswd/info")]
    [InlineData("/data/%2Fetc%2Fpasswd/info")]
    [InlineData("/data/raw/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/data/raw/s0/..%2F..%2Fdata.hdf")]
    [InlineData("/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/%2Fetc%2Fpasswd")]
    [InlineData("/data.hdf")]
    [InlineData("/data/data.hdf/info")]
    public async Task No_url_reaches_a_file_that_was_not_registered(string path)
    {
        await using var run = await _files.StartAsync();
        using var response = await run.Client.GetAsync(path);
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("root:", body);
        Assert.DoesNotContain("HDF", body);
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static ulong[] Ulongs(byte[] bytes)
    {
        var values = new ulong[bytes.Length / 8];
        for (var i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * 8));
        return values;
    }
}
