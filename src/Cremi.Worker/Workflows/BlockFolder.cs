using System.Runtime.InteropServices;
using System.Text.Json;
using Cremi.Core.Volumes;
using Cremi.Learning.Inference;

namespace Cremi.Worker.Workflows;

/// <summary>
/// How a volume was split for a block-wise run: fixed once, by whoever split it first. <paramref name="Producer"/>
/// identifies what the blocks' scores depend on (<see cref="GenerationSetup.BlockProducer"/>: the model file's bytes
/// and the prediction settings), so that a block is never predicted by another model than its neighbours (a model
/// file replaced while a job runs, nodes configured differently); null in plans written before it was kept.
/// </summary>
public sealed record BlockPlan(Shape3 Volume, IReadOnlyList<GridBlock> Blocks, string? Producer = null)
{
    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="planPath"/> when <paramref name="producer"/> is not the plan's.</summary>
    public void EnsureProducer(string producer, string planPath)
    {
        if (Producer is null || Producer == producer) return;
        throw new InvalidDataException(
            $"{planPath}: this job's blocks were planned for another model or other prediction settings (producer {Short(Producer)}, " +
            $"this node {Short(producer)}): the model file changed while the job ran, or the nodes are configured differently. " +
            "Blocks of two models would not fit together, so none is predicted with this one");
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}

/// <summary>A finished block: its core's uint8 scores, the windows it predicted and the seconds it took.</summary>
public sealed record BlockOutput(GridBlock Block, byte[] Core, long Windows, double Seconds);

/// <summary>
/// A block-wise run on disk (work/&lt;id&gt;/grid/): <c>plan.json</c>, the split, written once (the first writer wins, so
/// nodes configured with different block sizes still agree), and <c>core-NNNN.bin</c>, one file per finished block
/// with its core's scores. Every file appears by rename when complete, so "the file exists" is "the block is done",
/// for every node that shares the folder.
/// </summary>
public sealed class BlockFolder(string folder)
{
    private const int Magic = 0x45524F43; // "CORE"
    private const int HeaderInts = 8;     // magic, index, core z0, z1, y0, y1, x0, x1
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Folder { get; } = Path.GetFullPath(folder);

    public string PlanPath => Path.Combine(Folder, "plan.json");

    public string CorePath(int index) => Path.Combine(Folder, $"core-{index:D4}.bin");

    public bool HasPlan => File.Exists(PlanPath);

    /// <summary>The plan on disk; throws <see cref="InvalidDataException"/> naming the file when it cannot be read.</summary>
    public BlockPlan ReadPlan()
    {
        try
        {
            return JsonSerializer.Deserialize<BlockPlan>(File.ReadAllText(PlanPath), Json) ?? throw new InvalidDataException($"{PlanPath}: empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{PlanPath}: not a block plan ({e.Message})", e);
        }
    }

    /// <summary>Stores <paramref name="plan"/> unless a plan is there already; returns the one that counts.</summary>
    public BlockPlan Fix(BlockPlan plan)
    {
        Directory.CreateDirectory(Folder);
        DurableFile.WriteOnce(PlanPath, stream => JsonSerializer.Serialize(stream, plan, Json));
        return ReadPlan();
    }

    public bool IsDone(GridBlock block) => File.Exists(CorePath(block.Index));

    public IReadOnlyList<GridBlock> Missing(BlockPlan plan) => plan.Blocks.Where(b => !IsDone(b)).ToList();

    public void Write(BlockOutput output)
    {
        var (b, c) = (output.Block, output.Block.Core);
        if (output.Core.Length != c.Count) throw new ArgumentException($"block {b.Index}: {output.Core.Length} scores for a core of {c.Count} voxels");
        int[] header = [Magic, b.Index, c.Z.Start, c.Z.End, c.Y.Start, c.Y.End, c.X.Start, c.X.End];
        Directory.CreateDirectory(Folder);
        DurableFile.Write(CorePath(b.Index), stream =>
        {
            stream.Write(MemoryMarshal.AsBytes(header.AsSpan()));
            stream.Write(BitConverter.GetBytes(output.Windows));
            stream.Write(BitConverter.GetBytes(output.Seconds));
            stream.Write(output.Core);
        });
    }

    /// <summary>Block <paramref name="block"/>'s output, checked against the plan; <see cref="InvalidDataException"/> names the file.</summary>
    public BlockOutput Read(GridBlock block)
    {
        var path = CorePath(block.Index);
        if (!File.Exists(path)) throw new InvalidDataException($"{path} is missing: block {block.Index} is not done");
        var bytes = File.ReadAllBytes(path);
        const int fixedBytes = HeaderInts * sizeof(int) + sizeof(long) + sizeof(double);
        var c = block.Core;
        if (bytes.Length != fixedBytes + c.Count)
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, expected {fixedBytes + c.Count} for a core of {c.Shape}");
        var h = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(0, HeaderInts * sizeof(int)));
        if (h[0] != Magic || h[1] != block.Index || h[2] != c.Z.Start || h[3] != c.Z.End || h[4] != c.Y.Start || h[5] != c.Y.End
            || h[6] != c.X.Start || h[7] != c.X.End)
            throw new InvalidDataException($"{path}: not the core of block {block.Index} ({c.Z.Start}..{c.Z.End}, {c.Y.Start}..{c.Y.End}, {c.X.Start}..{c.X.End}) of this plan");
        var windows = BitConverter.ToInt64(bytes, HeaderInts * sizeof(int));
        var seconds = BitConverter.ToDouble(bytes, HeaderInts * sizeof(int) + sizeof(long));
        return new BlockOutput(block, bytes[fixedBytes..], windows, seconds);
    }

    public void Delete()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
