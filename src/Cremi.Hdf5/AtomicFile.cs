namespace Cremi.Hdf5;

/// <summary>
/// Writes go to "FINAL.tmp-RANDOM" in the same folder and are renamed over FINAL only when complete, so a crash,
/// an exception or a full disk never leaves a half-written file under the final name, and an existing file is
/// replaced only by a complete one (a rename within one folder is atomic on POSIX file systems).
/// </summary>
internal sealed class AtomicFile
{
    private AtomicFile(string finalPath, string tempPath)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
    }

    public string FinalPath { get; }
    public string TempPath { get; }

    public static AtomicFile Begin(string finalPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(finalPath);
        if (Directory.Exists(finalPath)) throw new CremiFileException(finalPath, "cannot write: it is a directory");
        var folder = Path.GetDirectoryName(Path.GetFullPath(finalPath));
        if (folder is not null && !Directory.Exists(folder))
            throw new CremiFileException(finalPath, $"cannot write: folder '{folder}' does not exist");
        var random = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        return new AtomicFile(finalPath, $"{finalPath}.tmp-{random}");
    }

    public void Commit() => File.Move(TempPath, FinalPath, overwrite: true);

    /// <summary>Removes the temporary file; never throws, because it runs while another exception is in flight.</summary>
    public void Discard()
    {
        try
        {
            File.Delete(TempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing better to do: the final name is untouched, which is what matters.
        }
    }
}
