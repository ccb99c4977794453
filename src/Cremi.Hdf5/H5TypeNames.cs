using PureHDF;

namespace Cremi.Hdf5;

/// <summary>NumPy-style names ("uint8", "int64", "float32") for HDF5 types, because users know them from h5py.</summary>
internal static class H5TypeNames
{
    public static string Of(IH5DataType type) => type.Class switch
    {
        H5DataTypeClass.FixedPoint => (type.FixedPoint.IsSigned ? "int" : "uint") + type.Size * 8,
        H5DataTypeClass.FloatingPoint => "float" + type.Size * 8,
        H5DataTypeClass.String => "string",
        H5DataTypeClass.BitField => "bitfield" + type.Size * 8,
        H5DataTypeClass.Opaque => "opaque",
        H5DataTypeClass.Compound => "compound",
        H5DataTypeClass.Reference => "reference",
        H5DataTypeClass.Enumerated => IsInteger(type.Enumeration.BaseType) ? $"enum({Of(type.Enumeration.BaseType)})" : "enum",
        // Variable-length strings (what h5py and PureHDF write for str) are class VariableLength; PureHDF 2.2 does
        // not expose the string/sequence flag, but a string's base type is a 1-byte character.
        H5DataTypeClass.VariableLength => IsVariableLengthString(type) ? "string" : "vlen",
        H5DataTypeClass.Array => "array",
        H5DataTypeClass.Time => "time",
        _ => type.Class.ToString().ToLowerInvariant(),
    };

    public static bool IsVariableLengthString(IH5DataType type) =>
        type.Class == H5DataTypeClass.VariableLength && type.VariableLength.BaseType is { Size: 1, Class: H5DataTypeClass.FixedPoint or H5DataTypeClass.String };

    public static bool IsInteger(IH5DataType type) =>
        type.Class == H5DataTypeClass.FixedPoint && type.Size is 1 or 2 or 4 or 8;

    /// <summary>
    /// The integer type values are stored as: the type itself, or an enum's base type (h5py stores a NumPy bool
    /// array, a common way to save a mask, as an enum of int8 with FALSE = 0 and TRUE = 1); null for anything else.
    /// </summary>
    public static IH5DataType? IntegerStorage(IH5DataType type) =>
        IsInteger(type) ? type
        : type.Class == H5DataTypeClass.Enumerated && IsInteger(type.Enumeration.BaseType) ? type.Enumeration.BaseType
        : null;

    public static bool IsUInt8(IH5DataType type) =>
        type.Class == H5DataTypeClass.FixedPoint && type.Size == 1 && !type.FixedPoint.IsSigned;
}
