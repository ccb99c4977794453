namespace Cremi.Worker.Workflows;

/// <summary>
/// Files that other runs (or other nodes) trust once they exist: written under a temporary name in the same folder,
/// flushed to disk, then renamed, so a file is either absent or complete, whoever is killed when.
/// </summary>
public static class DurableFile
{
    /// <summary>Writes and renames over any earlier file.</summary>
    public static void Write(string path, Action<Stream> write) => Write(path, write, overwrite: true);

    /// <summary>Writes unless the file exists; false when it did (another writer was first, and its file stays).</summary>
    public static bool WriteOnce(string path, Action<Stream> write)
    {
        if (File.Exists(path)) return false;
        try
        {
            Write(path, write, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    private static void Write(string path, Action<Stream> write, bool overwrite)
    {
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true); // the rename must never expose a file whose bytes are not on disk yet
            }
            File.Move(temp, path, overwrite);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
