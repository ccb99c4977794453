using System.Collections.Concurrent;
using Cremi.Hdf5;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>
/// Open <see cref="CremiFile"/>s per path, lent to one request at a time: a CremiFile is not thread-safe, and opening
/// one per request would re-validate the file on every chunk. At most <see cref="MaxIdlePerFile"/> idle handles are
/// kept per file, so memory stays bounded however many requests ran in parallel.
/// </summary>
internal sealed class CremiFilePool(int maxIdlePerFile) : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<CremiFile>> _idle = new();
    private volatile bool _disposed;

    public int MaxIdlePerFile { get; } = maxIdlePerFile;

    public Lease Rent(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bag = _idle.GetOrAdd(path, _ => []);
        return new Lease(this, path, bag.TryTake(out var file) ? file : CremiFile.Open(path));
    }

    private void Return(string path, CremiFile file)
    {
        var bag = _idle.GetOrAdd(path, _ => []);
        if (_disposed || bag.Count >= MaxIdlePerFile) file.Dispose();
        else bag.Add(file);
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var bag in _idle.Values)
            while (bag.TryTake(out var file)) file.Dispose();
    }

    public readonly struct Lease(CremiFilePool pool, string path, CremiFile file) : IDisposable
    {
        public CremiFile File { get; } = file;

        public void Dispose() => pool.Return(path, File);
    }
}
