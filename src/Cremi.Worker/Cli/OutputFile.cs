namespace Cremi.Worker.Cli;

/// <summary>
/// Small outputs (PNG, JSON) written under a temporary name in the target folder and renamed when complete,
/// so a failure never leaves a partial file under the name the user asked for.
/// </summary>
public static class OutputFile
{
    /// <summary>Fails early, before any work, when the output cannot or must not be written.</summary>
    public static void CheckWritable(string path, bool overwrite)
    {
        if (Directory.Exists(path)) throw new UserInputException($"{path}: is a directory, expected a file name");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) throw new UserInputException($"{path}: folder '{folder}' does not exist");
        if (File.Exists(path) && !overwrite)
            throw new UserInputException($"{path}: already exists (pass --overwrite to replace it)");
    }

    public static void WriteAllBytes(string path, byte[] bytes)
    {
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
}
