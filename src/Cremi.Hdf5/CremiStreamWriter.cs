using Cremi.Core.Volumes;
using PureHDF;

namespace Cremi.Hdf5;

/// <summary>
/// Writes a CREMI file slab by slab, for outputs larger than memory: only the current chunk row of each dataset is
/// held (see <see cref="SlabFlushingChunkCache"/>). Slabs may come in any z order, but every section of every
/// declared dataset must be written exactly once before <see cref="Commit"/>. The file appears under its final name
/// only at Commit; disposing without Commit deletes everything written.
/// </summary>
public sealed class CremiStreamWriter : IDisposable
{
    private readonly AtomicFile _target;
    private readonly FileStream _stream;
    private readonly H5NativeWriter _writer;
    private readonly SlabDataset<byte>? _raw;
    private readonly SlabDataset<ulong>? _clefts;
    private readonly SlabDataset<byte>? _predictions;
    private bool _failed;
    private bool _finished;

    private CremiStreamWriter(AtomicFile target, FileStream stream, H5NativeWriter writer,
        SlabDataset<byte>? raw, SlabDataset<ulong>? clefts, SlabDataset<byte>? predictions, Shape3 shape)
    {
        _target = target;
        _stream = stream;
        _writer = writer;
        _raw = raw;
        _clefts = clefts;
        _predictions = predictions;
        Shape = shape;
    }

    /// <summary>The final path.</summary>
    public string Path => _target.FinalPath;

    /// <summary>Where the data goes until <see cref="Commit"/>.</summary>
    public string TempPath => _target.TempPath;

    public Shape3 Shape { get; }

    /// <summary>Uncompressed chunks held in memory, all datasets together (for tests of the memory bound).</summary>
    internal int CachedChunks => (_raw?.CachedChunks ?? 0) + (_clefts?.CachedChunks ?? 0) + (_predictions?.CachedChunks ?? 0);

    public static CremiStreamWriter Create(string path, Shape3 shape, VoxelSize resolution, Offset3 offset,
        IReadOnlyDictionary<string, string>? provenance, CremiDatasets datasets, CremiWriteOptions? options = null)
    {
        options ??= CremiWriteOptions.Default;
        options.Validate();
        if (shape.IsEmpty) throw new ArgumentException($"shape {shape} is empty", nameof(shape));
        if (!resolution.IsValid) throw new ArgumentException($"resolution {resolution} is not three positive numbers", nameof(resolution));
        if ((datasets & CremiDatasets.All) == CremiDatasets.None || (datasets & ~CremiDatasets.All) != 0)
            throw new ArgumentException($"'{datasets}' names no dataset to write", nameof(datasets));

        var raw = datasets.HasFlag(CremiDatasets.Raw) ? new SlabDataset<byte>(CremiPaths.Raw, shape, resolution, offset, options) : null;
        var clefts = datasets.HasFlag(CremiDatasets.Clefts) ? new SlabDataset<ulong>(CremiPaths.Clefts, shape, resolution, offset, options) : null;
        var predictions = datasets.HasFlag(CremiDatasets.Predictions) ? new SlabDataset<byte>(CremiPaths.Predictions, shape, resolution, offset, options) : null;

        var volumes = new H5Group();
        if (raw is not null) volumes["raw"] = raw.Dataset;
        if (clefts is not null) volumes["labels"] = new H5Group { ["clefts"] = clefts.Dataset };
        if (predictions is not null) volumes["predictions"] = new H5Group { ["clefts"] = predictions.Dataset };
        var file = new H5File { ["volumes"] = volumes };
        foreach (var (key, value) in provenance ?? new Dictionary<string, string>()) file.Attributes[key] = value;

        var target = AtomicFile.Begin(path);
        FileStream? stream = null;
        try
        {
            stream = new FileStream(target.TempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            // Our own stream (leaveOpen) so that an abandoned write can be dropped without PureHDF first compressing
            // and writing every cached chunk, as disposing its writer would.
            var writer = file.BeginWrite(stream);
            return new CremiStreamWriter(target, stream, writer, raw, clefts, predictions, shape);
        }
        catch (Exception e)
        {
            stream?.Dispose();
            target.Discard();
            if (e is IOException or UnauthorizedAccessException)
                throw new CremiFileException(path, $"cannot write ({CremiFileException.Describe(e)})", e);
            throw;
        }
    }

    public void WriteRaw(int z0, ReadOnlyMemory<byte> sections) => Write(_raw, z0, sections, CremiPaths.Raw);

    public void WriteClefts(int z0, ReadOnlyMemory<ulong> sections) => Write(_clefts, z0, sections, CremiPaths.Clefts);

    public void WritePredictions(int z0, ReadOnlyMemory<byte> sections) => Write(_predictions, z0, sections, CremiPaths.Predictions);

    /// <summary>Writes the given volumes' sections starting at <paramref name="z0"/>; empty memories are skipped.</summary>
    public void WriteSlab(int z0, ReadOnlyMemory<byte> raw = default, ReadOnlyMemory<ulong> clefts = default,
        ReadOnlyMemory<byte> predictions = default)
    {
        if (!raw.IsEmpty) WriteRaw(z0, raw);
        if (!clefts.IsEmpty) WriteClefts(z0, clefts);
        if (!predictions.IsEmpty) WritePredictions(z0, predictions);
    }

    /// <summary>Finishes the file and renames it to its final name, replacing any file there.</summary>
    public void Commit()
    {
        ThrowIfFinished();
        if (_failed) throw new InvalidOperationException($"{Path}: an earlier write failed; the file cannot be committed");
        foreach (var (name, missing) in new[] { (CremiPaths.Raw, _raw?.MissingSections()), (CremiPaths.Clefts, _clefts?.MissingSections()),
                     (CremiPaths.Predictions, _predictions?.MissingSections()) })
            if (missing is not null)
                throw new InvalidOperationException($"{Path}: sections {missing} of '{name}' were never written");

        _finished = true;
        try
        {
            _writer.Dispose(); // writes the remaining chunks, the chunk indices and the superblock
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            _target.Commit();
        }
        catch (Exception e)
        {
            _stream.Dispose();
            _target.Discard();
            if (e is IOException or UnauthorizedAccessException)
                throw new CremiFileException(Path, $"cannot write ({CremiFileException.Describe(e)})", e);
            throw;
        }
    }

    /// <summary>Without a prior <see cref="Commit"/>, deletes the temporary file; the final name is left as it was.</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        _stream.Dispose();
        _target.Discard();
    }

    private void Write<T>(SlabDataset<T>? dataset, int z0, ReadOnlyMemory<T> sections, string name) where T : unmanaged
    {
        ThrowIfFinished();
        if (dataset is null) throw new InvalidOperationException($"{Path}: '{name}' was not declared when the writer was created");
        var depth = dataset.Check(z0, sections);
        try
        {
            dataset.Write(_writer, z0, depth, sections);
        }
        catch (Exception e)
        {
            // PureHDF's state after a failed write is unknown: the file can no longer be committed.
            _failed = true;
            throw new CremiFileException(Path, $"cannot write '{name}' ({CremiFileException.Describe(e)})", e);
        }
    }

    private void ThrowIfFinished()
    {
        if (_finished) throw new ObjectDisposedException(nameof(CremiStreamWriter), $"{Path}: the writer was already committed or disposed");
    }
}
