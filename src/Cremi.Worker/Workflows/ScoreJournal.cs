using System.Runtime.InteropServices;
using Cremi.Learning.Inference;

namespace Cremi.Worker.Workflows;

/// <summary>
/// The finished blocks of a generation run, on disk, so that a stopped or killed run goes on from its last finished
/// block (the CREMI stream file cannot be appended to, so it is rewritten from these at the end). One folder per run:
/// <c>scores-NNNN.bin</c> holds block N's finished sections as uint8 scores (what the mask is made from), and
/// <c>carry.bin</c> the predictor's unfinished sums after the latest block (only the latest is kept: it is the large
/// one, two floats per voxel of the window overlap). Every file is written under a temporary name, flushed to disk and
/// renamed, and starts with the run's identity (a hash of model, data and prediction settings): a file from another
/// run, a torn write or a gap is never trusted, and the run starts again from block 0.
/// </summary>
public sealed class ScoreJournal
{
    private const int ScoresMagic = 0x4B4C4243; // "CBLK"
    private const int CarryMagic = 0x59524143;  // "CARY"
    private const string CarryName = "carry.bin";
    private readonly string _folder;
    private readonly byte[] _identity;

    public ScoreJournal(string folder, byte[] identity)
    {
        if (identity.Length != 32) throw new ArgumentException("identity must be a SHA-256 hash", nameof(identity));
        _folder = Path.GetFullPath(folder);
        _identity = identity;
    }

    public string Folder => _folder;

    /// <summary>What an earlier run left: the carry to resume from and the finished score slabs in z order; or null
    /// (with the reason in <paramref name="why"/>, null when there was simply nothing) to start from the first block.</summary>
    public JournalResume? Resume(int sectionSize, out string? why)
    {
        why = null;
        if (!Directory.Exists(_folder)) return null;
        foreach (var temp in Directory.EnumerateFiles(_folder, "*.tmp-*")) File.Delete(temp); // writes a kill interrupted
        var carryPath = Path.Combine(_folder, CarryName);
        if (!File.Exists(carryPath))
        {
            why = Directory.EnumerateFileSystemEntries(_folder).Any() ? $"{carryPath} is missing" : null;
            return Discard();
        }
        try
        {
            var carry = ReadCarry(carryPath, sectionSize);
            var slabs = new List<ScoreSlab>();
            var z = 0;
            for (var block = 0; block < carry.NextBlock; block++)
            {
                var slab = ReadScores(ScoresPath(block), block, sectionSize);
                if (slab.Z0 != z) throw new InvalidDataException($"{ScoresPath(block)} starts at section {slab.Z0}, expected {z}");
                slabs.Add(slab);
                z = slab.Z1;
            }
            if (z != carry.First) throw new InvalidDataException($"{carryPath} resumes at section {carry.First}, the blocks end at {z}");
            return new JournalResume(carry, slabs);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
        {
            why = e.Message;
            return Discard();
        }
    }

    /// <summary>Records a finished block: its uint8 scores for sections [z0, z0 + scores / section), then the carry
    /// that follows it (the carry is the commit point: until it is renamed, the block counts as not done).</summary>
    public void Record(int block, int z0, ReadOnlySpan<byte> scores, int sectionSize, PredictionCarry carry)
    {
        Directory.CreateDirectory(_folder);
        var z1 = z0 + scores.Length / sectionSize;
        var header = new[] { ScoresMagic, block, z0, z1, sectionSize };
        WriteAtomically(ScoresPath(block), header, scores);
        var carryHeader = new[] { CarryMagic, carry.NextBlock, carry.First, carry.Sections(sectionSize), sectionSize };
        var floats = new byte[(carry.Sum.Length + carry.Weight.Length) * sizeof(float)];
        MemoryMarshal.AsBytes(carry.Sum.AsSpan()).CopyTo(floats);
        MemoryMarshal.AsBytes(carry.Weight.AsSpan()).CopyTo(floats.AsSpan(carry.Sum.Length * sizeof(float)));
        WriteAtomically(Path.Combine(_folder, CarryName), carryHeader, floats);
    }

    /// <summary>Removes the journal (the run is finished, or what it held cannot be used).</summary>
    public void Delete()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private JournalResume? Discard()
    {
        Delete();
        return null;
    }

    private string ScoresPath(int block) => Path.Combine(_folder, $"scores-{block:D4}.bin");

    private void WriteAtomically(string path, int[] header, ReadOnlySpan<byte> body)
    {
        var bytes = body.ToArray();
        DurableFile.Write(path, stream =>
        {
            stream.Write(_identity);
            stream.Write(MemoryMarshal.AsBytes(header.AsSpan()));
            stream.Write(bytes);
        });
    }

    /// <summary>The file's body after checking its identity and header; throws InvalidDataException naming the file.</summary>
    private byte[] ReadChecked(string path, int magic, out int[] header)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path} is missing");
        var bytes = File.ReadAllBytes(path);
        const int headerBytes = 5 * sizeof(int);
        if (bytes.Length < 32 + headerBytes) throw new InvalidDataException($"{path} is truncated ({bytes.Length} bytes)");
        if (!bytes.AsSpan(0, 32).SequenceEqual(_identity))
            throw new InvalidDataException($"{path} belongs to another run (model, data or prediction settings changed)");
        header = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(32, headerBytes)).ToArray();
        if (header[0] != magic) throw new InvalidDataException($"{path} is not a journal file of this kind");
        return bytes[(32 + headerBytes)..];
    }

    private ScoreSlab ReadScores(string path, int block, int sectionSize)
    {
        var body = ReadChecked(path, ScoresMagic, out var h);
        if (h[1] != block || h[4] != sectionSize || h[3] < h[2] || body.Length != (long)(h[3] - h[2]) * sectionSize)
            throw new InvalidDataException($"{path}: block {h[1]}, sections {h[2]}..{h[3]} of {h[4]} voxels do not match its {body.Length} bytes");
        return new ScoreSlab(h[2], h[3], body);
    }

    private PredictionCarry ReadCarry(string path, int sectionSize)
    {
        var body = ReadChecked(path, CarryMagic, out var h);
        var values = (long)h[3] * sectionSize;
        if (h[1] < 1 || h[4] != sectionSize || body.Length != values * 2 * sizeof(float))
            throw new InvalidDataException($"{path}: block {h[1]}, {h[3]} sections of {h[4]} voxels do not match its {body.Length} bytes");
        var floats = MemoryMarshal.Cast<byte, float>(body.AsSpan());
        return new PredictionCarry(h[1], h[2], floats[..(int)values].ToArray(), floats[(int)values..].ToArray());
    }
}

/// <summary>Finished uint8 scores of sections [Z0, Z1).</summary>
public sealed record ScoreSlab(int Z0, int Z1, byte[] Scores);

/// <summary>Where a journalled run goes on: the predictor's carry and the score slabs finished before it.</summary>
public sealed record JournalResume(PredictionCarry Carry, IReadOnlyList<ScoreSlab> Slabs);
