using PureHDF.VOL.Native;

namespace Cremi.Hdf5;

/// <summary>
/// PureHDF's default writing cache (SimpleWritingChunkCache) keeps every chunk of a dataset, uncompressed, until the
/// writer is disposed: streaming a 125x1250x1250 uint8 + uint64 volume would hold 1.7 GB. This cache lets the
/// streaming writer compress and write a range of chunks as soon as their sections are complete.
/// A flushed chunk must never be touched again (PureHDF would hand out a fresh zeroed buffer and write it a second
/// time), which <see cref="CremiStreamWriter"/> guarantees by writing every section exactly once.
/// Buffers of written chunks are reused for the next row: PureHDF would allocate a fresh large-object-heap array
/// per chunk, and that garbage alone doubled the peak memory of a CREMI-sized write.
/// </summary>
internal sealed class SlabFlushingChunkCache : IWritingChunkCache
{
    private readonly Dictionary<ulong, (Memory<byte> Chunk, Action<ulong, Memory<byte>> Writer)> _chunks = new();
    private readonly Stack<Memory<byte>> _free = new();

    public int CachedChunks => _chunks.Count;

    public Memory<byte> GetChunk(ulong chunkIndex, Func<Memory<byte>> chunkAllocator, Action<ulong, Memory<byte>> chunkWriter)
    {
        if (_chunks.TryGetValue(chunkIndex, out var cached)) return cached.Chunk;
        Memory<byte> chunk;
        if (_free.TryPop(out var reused))
        {
            // Cleared because PureHDF expects a new chunk to be zero where nothing is written (the padding of
            // edge chunks), and zeros compress best.
            reused.Span.Clear();
            chunk = reused;
        }
        else
        {
            chunk = chunkAllocator();
        }
        _chunks[chunkIndex] = (chunk, chunkWriter);
        return chunk;
    }

    /// <summary>Called by PureHDF when the dataset is closed: writes whatever is left.</summary>
    public void Flush(Action<ulong, Memory<byte>> chunkWriter)
    {
        foreach (var index in _chunks.Keys.Order().ToList()) FlushOne(index, chunkWriter);
    }

    /// <summary>Compresses and writes the cached chunks with linear indices in [first, end), then forgets them.</summary>
    public void FlushRange(ulong first, ulong end)
    {
        for (var index = first; index < end; index++)
            if (_chunks.TryGetValue(index, out var cached)) FlushOne(index, cached.Writer);
    }

    private void FlushOne(ulong index, Action<ulong, Memory<byte>> writer)
    {
        var chunk = _chunks[index].Chunk;
        _chunks.Remove(index);
        writer(index, chunk); // compresses and writes synchronously: the buffer is free afterwards
        _free.Push(chunk);
    }
}
