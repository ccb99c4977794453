using System.Runtime.InteropServices;
using Cremi.Core.Volumes;
using PureHDF;
using PureHDF.Filters;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace Cremi.Hdf5;

/// <summary>
/// One dataset of a <see cref="CremiStreamWriter"/>: a deferred PureHDF dataset written in whole z-sections,
/// which remembers which sections are done and hands each chunk row to deflate as soon as it is complete.
/// </summary>
internal sealed class SlabDataset<T> where T : unmanaged
{
    private readonly SlabFlushingChunkCache _cache = new();
    private readonly bool[] _written;
    private readonly Shape3 _shape;
    private readonly Shape3 _chunks;
    private readonly ulong _chunksPerRow;

    public SlabDataset(string name, Shape3 shape, VoxelSize resolution, Offset3 offset, CremiWriteOptions options)
    {
        Name = name;
        _shape = shape;
        _chunks = options.ChunksFor(shape);
        _written = new bool[shape.Z];
        _chunksPerRow = (ulong)((shape.Y + _chunks.Y - 1) / _chunks.Y) * (ulong)((shape.X + _chunks.X - 1) / _chunks.X);

        List<H5Filter>? filters = options.DeflateLevel == 0
            ? null
            : [new H5Filter(DeflateFilter.Id, new Dictionary<string, object> { [DeflateFilter.COMPRESSION_LEVEL] = options.DeflateLevel })];

        // Memory<T> (not T[]) so that a slab can be a slice of a larger array without a copy.
        Dataset = new H5Dataset<Memory<T>>(
            fileDims: [(ulong)shape.Z, (ulong)shape.Y, (ulong)shape.X],
            chunks: [(uint)_chunks.Z, (uint)_chunks.Y, (uint)_chunks.X],
            datasetCreation: new H5DatasetCreation(ChunkCache: _cache, Filters: filters));
        Dataset.Attributes[CremiPaths.ResolutionAttribute] = resolution.ToArray();
        Dataset.Attributes[CremiPaths.OffsetAttribute] = offset.ToArray();
    }

    public string Name { get; }

    /// <summary>Uncompressed chunks held in memory right now.</summary>
    public int CachedChunks => _cache.CachedChunks;

    public H5Dataset<Memory<T>> Dataset { get; }

    /// <summary>Checks a slab before anything is written; returns its depth in sections.</summary>
    public int Check(int z0, ReadOnlyMemory<T> sections)
    {
        var sectionSize = _shape.SectionSize;
        if (sections.Length == 0 || sections.Length % sectionSize != 0)
            throw new ArgumentException(
                $"'{Name}': {sections.Length} values are not whole {_shape.Y}x{_shape.X} sections", nameof(sections));
        var depth = sections.Length / sectionSize;
        if (z0 < 0 || z0 + depth > _shape.Z)
            throw new ArgumentOutOfRangeException(nameof(z0), $"'{Name}': sections {z0}..{z0 + depth - 1} leave 0..{_shape.Z - 1}");
        for (var z = z0; z < z0 + depth; z++)
            if (_written[z])
                throw new InvalidOperationException($"'{Name}': section {z} was already written (each section is written once)");
        return depth;
    }

    /// <summary>Writes a slab that passed <see cref="Check"/>.</summary>
    public void Write(H5NativeWriter writer, int z0, int depth, ReadOnlyMemory<T> sections)
    {
        var selection = new HyperslabSelection(3, [(ulong)z0, 0, 0], [(ulong)depth, (ulong)_shape.Y, (ulong)_shape.X]);
        writer.Write(Dataset, MemoryMarshal.AsMemory(sections), fileSelection: selection);
        for (var z = z0; z < z0 + depth; z++) _written[z] = true;

        // Chunk indices are C-order over the chunk grid, so chunk row k (sections k*cz ..) is one index range.
        for (var row = z0 / _chunks.Z; row <= (z0 + depth - 1) / _chunks.Z; row++)
        {
            var rowStart = row * _chunks.Z;
            var rowEnd = Math.Min(rowStart + _chunks.Z, _shape.Z);
            if (Array.IndexOf(_written, false, rowStart, rowEnd - rowStart) >= 0) continue;
            _cache.FlushRange((ulong)row * _chunksPerRow, (ulong)(row + 1) * _chunksPerRow);
        }
    }

    /// <summary>"sections 3..5, 9" style list of what was never written, or null when complete.</summary>
    public string? MissingSections()
    {
        var ranges = new List<string>();
        for (var z = 0; z < _written.Length; z++)
        {
            if (_written[z]) continue;
            var start = z;
            while (z + 1 < _written.Length && !_written[z + 1]) z++;
            ranges.Add(start == z ? $"{z}" : $"{start}..{z}");
        }
        return ranges.Count == 0 ? null : string.Join(", ", ranges);
    }
}
