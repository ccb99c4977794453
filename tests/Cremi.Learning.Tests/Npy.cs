using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

/// <summary>Reads the little .npy files of Fixtures/ (C order, float32 '&lt;f4' or uint8 '|u1') into tensors.</summary>
internal static partial class Npy
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static Tensor Load(string name)
    {
        var bytes = File.ReadAllBytes(Fixture(name.EndsWith(".npy", StringComparison.Ordinal) ? name : name + ".npy"));
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{name}: not a .npy file");
        var (headerLength, start) = bytes[6] == 1 ? (BitConverter.ToUInt16(bytes, 8), 10) : ((int)BitConverter.ToUInt32(bytes, 8), 12);
        var header = Encoding.ASCII.GetString(bytes, start, headerLength);
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal)) throw new InvalidDataException($"{name}: Fortran order");
        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        var data = bytes.AsSpan(start + headerLength);
        var descr = DescrPattern().Match(header).Groups[1].Value;
        return descr switch
        {
            "<f4" => tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data).ToArray(), shape),
            "|u1" => tensor(data.ToArray(), shape),
            _ => throw new InvalidDataException($"{name}: dtype {descr} not supported"),
        };
    }

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();

    [GeneratedRegex(@"'descr':\s*'([^']*)'")]
    private static partial Regex DescrPattern();
}
