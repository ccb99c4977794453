using Cremi.Learning.IO;
using System.IO.Compression;

namespace Cremi.Learning.Training;

/// <summary>
/// Model files and checkpoints are zip archives of a JSON description and binary tensors, written under a temporary
/// name and renamed when complete, so an interrupted save never leaves a broken file under the final name.
/// </summary>
internal static class ZipContainer
{
    public static void WriteAtomically(string path, Action<ZipArchive> fill) =>
        AtomicWrite.To(path, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew);
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
            fill(zip);
        });

    public static void WriteText(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Fastest).Open());
        writer.Write(text);
    }

    public static void WriteBinary(ZipArchive zip, string name, Action<BinaryWriter> write)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        using var writer = new BinaryWriter(stream);
        write(writer);
    }

    public static string ReadText(ZipArchive zip, string path, string name) =>
        new StreamReader(Entry(zip, path, name).Open()).ReadToEnd();

    /// <summary>An entry copied to memory: TorchSharp's readers need a seekable stream.</summary>
    public static BinaryReader ReadBinary(ZipArchive zip, string path, string name)
    {
        var memory = new MemoryStream();
        using (var stream = Entry(zip, path, name).Open()) stream.CopyTo(memory);
        memory.Position = 0;
        return new BinaryReader(memory);
    }

    public static ZipArchive Open(string path, string what)
    {
        if (!File.Exists(path)) throw new ModelFileException(path, "file does not exist");
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException)
        {
            throw new ModelFileException(path, $"not a {what} (expected a zip archive written by cremi train)");
        }
    }

    private static ZipArchiveEntry Entry(ZipArchive zip, string path, string name) =>
        zip.GetEntry(name) ?? throw new ModelFileException(path, $"'{name}' is missing: the file is damaged or not written by cremi");
}

/// <summary>A model or checkpoint file that cannot be used; the message names the file.</summary>
public sealed class ModelFileException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    public string FilePath { get; } = path;
}
