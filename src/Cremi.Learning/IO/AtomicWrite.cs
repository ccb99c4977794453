namespace Cremi.Learning.IO;

/// <summary>
/// Writes a file under a temporary name in its target folder and renames it over the final name only when complete,
/// so a crash or an exception never leaves a half-written model, checkpoint or state_dict under the name asked for.
/// </summary>
internal static class AtomicWrite
{
    /// <param name="write">Writes the whole content to the temporary path it is given.</param>
    public static void To(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            write(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
