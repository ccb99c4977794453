using PureHDF.Filters;

namespace Cremi.Hdf5.Filters;

/// <summary>A third-party HDF5 filter we only read: cremi writes its own files with gzip.</summary>
internal abstract class DecodingFilter : IH5Filter
{
    public abstract ushort FilterId { get; }

    public abstract string Name { get; }

    public Memory<byte> Filter(FilterInfo info)
    {
        if (!info.Flags.HasFlag(H5FilterFlags.Decompress))
            throw new NotSupportedException($"cremi writes gzip only; {Name} is read-only here");
        // A copy: PureHDF returns the chunk's read buffer to a pool once the pipeline is done.
        return StoredRaw(info.Buffer.Span, info.ChunkSize) ? info.Buffer.ToArray() : Decode(info);
    }

    public uint[] GetParameters(uint[] chunkDimensions, uint typeSize, Dictionary<string, object>? options) =>
        throw new NotSupportedException($"cremi writes gzip only; {Name} is read-only here");

    protected abstract Memory<byte> Decode(FilterInfo info);

    /// <summary>
    /// Whether this chunk was stored with this filter skipped: the writer found it could not shrink the chunk (an
    /// optional filter), so it holds the chunk's own bytes. The chunk's filter mask says so, but PureHDF 2.2 reads
    /// the wrong bit of it (<see cref="WholePipelineFilter"/>), so a decoder recognises such a chunk by its length,
    /// the chunk's full size, and by not being a valid stream of its own kind of that size.
    /// </summary>
    protected bool StoredRaw(ReadOnlySpan<byte> chunk, int chunkSize) => chunk.Length == chunkSize && !IsEncoded(chunk, chunkSize);

    /// <summary>Whether a chunk exactly <paramref name="chunkSize"/> long is nevertheless this filter's output.</summary>
    protected virtual bool IsEncoded(ReadOnlySpan<byte> chunk, int chunkSize) => true;
}
