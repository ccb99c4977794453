using PureHDF;

namespace Cremi.Hdf5;

/// <summary>
/// Reads numeric and string attributes whatever their stored type: CREMI writes `resolution` as float64, but other
/// tools write float32 or integers, and PureHDF only reads an attribute as the exact .NET type that matches.
/// </summary>
internal static class H5Attributes
{
    /// <summary>The values as doubles, or null when the attribute is not numeric.</summary>
    public static double[]? ReadNumbers(IH5Attribute attribute)
    {
        var type = attribute.Type;
        return type.Class switch
        {
            H5DataTypeClass.FloatingPoint when type.Size == 8 => attribute.Read<double[]>(),
            H5DataTypeClass.FloatingPoint when type.Size == 4 => Array.ConvertAll(attribute.Read<float[]>(), v => (double)v),
            H5DataTypeClass.FixedPoint => (type.Size, type.FixedPoint.IsSigned) switch
            {
                (1, false) => Array.ConvertAll(attribute.Read<byte[]>(), v => (double)v),
                (1, true) => Array.ConvertAll(attribute.Read<sbyte[]>(), v => (double)v),
                (2, false) => Array.ConvertAll(attribute.Read<ushort[]>(), v => (double)v),
                (2, true) => Array.ConvertAll(attribute.Read<short[]>(), v => (double)v),
                (4, false) => Array.ConvertAll(attribute.Read<uint[]>(), v => (double)v),
                (4, true) => Array.ConvertAll(attribute.Read<int[]>(), v => (double)v),
                (8, false) => Array.ConvertAll(attribute.Read<ulong[]>(), v => (double)v),
                (8, true) => Array.ConvertAll(attribute.Read<long[]>(), v => (double)v),
                _ => null,
            },
            _ => null,
        };
    }

    /// <summary>A scalar or one-element string attribute's text, or null for anything else.</summary>
    public static string? ReadString(IH5Attribute attribute)
    {
        if (attribute.Type.Class != H5DataTypeClass.String && !H5TypeNames.IsVariableLengthString(attribute.Type)) return null;
        var values = attribute.Read<string[]>();
        return values.Length == 1 ? values[0] : string.Join(", ", values);
    }

    /// <summary>String attributes of one object, skipping any that cannot be decoded (provenance is informative).</summary>
    public static IReadOnlyDictionary<string, string> ReadStrings(IH5Object owner)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in owner.Attributes())
        {
            try
            {
                if (ReadString(attribute) is { } text) result[attribute.Name] = text;
            }
            catch (Exception)
            {
                // An exotic string encoding must not make a readable volume unreadable.
            }
        }
        return result;
    }
}
