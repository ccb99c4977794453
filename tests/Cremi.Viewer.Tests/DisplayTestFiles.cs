using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Viewer.Neuroglancer;

namespace Cremi.Viewer.Tests;

/// <summary>
/// Small CREMI files with values computable from their coordinates, written to a fresh folder and removed afterwards,
/// and a display server over them on a free loopback port.
/// </summary>
internal sealed class DisplayTestFiles : IDisposable
{
    /// <summary>Not a multiple of the chunk shape on any axis, so every axis has a truncated edge chunk.</summary>
    public static readonly Shape3 Shape = new(10, 70, 90);

    public static readonly Shape3 Chunks = new(4, 32, 32);

    /// <summary>Offset in nm (z, y, x): 2, 5 and 3 voxels at 40, 4, 4 nm.</summary>
    public static readonly Offset3 OffsetNm = new(80, 20, 12);

    public static readonly VoxelSize Resolution = new(40, 4, 4);

    public DisplayTestFiles()
    {
        Directory.CreateDirectory(Folder);
        Data = Path.Combine(Folder, "data.hdf");
        Mask = Path.Combine(Folder, "mask.hdf");
        var raw = new Volume<byte>(Shape, Resolution, OffsetNm);
        var truth = new Volume<ulong>(Shape, Resolution, OffsetNm);
        var mask = new Volume<ulong>(Shape, Resolution, OffsetNm);
        var probability = new Volume<byte>(Shape, Resolution, OffsetNm);
        for (var z = 0; z < Shape.Z; z++)
        for (var y = 0; y < Shape.Y; y++)
        for (var x = 0; x < Shape.X; x++)
        {
            raw[z, y, x] = RawAt(z, y, x);
            truth[z, y, x] = TruthAt(z, y, x);
            mask[z, y, x] = MaskAt(z, y, x);
            probability[z, y, x] = (byte)(x * 2);
        }
        CremiWriter.Write(Data, new CremiContent { Raw = raw, Clefts = truth });
        CremiWriter.Write(Mask, new CremiContent { Clefts = mask, Predictions = probability });
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "cremi-view-" + Guid.NewGuid().ToString("N")[..12]);
    public string Data { get; }
    public string Mask { get; }

    public static byte RawAt(int z, int y, int x) => (byte)((z * 31 + y * 7 + x * 3) % 256);

    /// <summary>Cleft 5 in a box crossing chunk borders, a large id whose high bytes matter, the ignore label, background elsewhere.</summary>
    public static ulong TruthAt(int z, int y, int x) =>
        z is >= 3 and < 6 && y is >= 20 and < 40 && x is >= 25 and < 50 ? 5
        : z == 9 && y < 4 && x < 4 ? 0x0102030405060708UL
        : z == 0 && y == 0 && x < 4 ? CleftLabel.Ignore
        : CleftLabel.Background;

    /// <summary>The mask's only cleft: section 7, rows 60..63, columns 80..83.</summary>
    public static ulong MaskAt(int z, int y, int x) =>
        z == 7 && y is >= 60 and < 64 && x is >= 80 and < 84 ? 1 : CleftLabel.Background;

    public VolumeCatalog Catalog() => VolumeCatalog.Open(Data, Mask, Chunks);

    public async Task<RunningServer> StartAsync(string? token = null)
    {
        var server = await NeuroglancerServer.StartAsync(Catalog(), new NeuroglancerServerOptions { Port = 0, Token = token });
        return new RunningServer(server);
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A started server and a client without automatic decompression, so tests see the bytes on the wire.</summary>
internal sealed class RunningServer(NeuroglancerServer server) : IAsyncDisposable
{
    public NeuroglancerServer Server { get; } = server;

    public HttpClient Client { get; } = new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = server.BaseAddress };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
