namespace Cremi.Hdf5;

/// <summary>Dataset and attribute names of the CREMI layout and of the layouts we also accept.</summary>
public static class CremiPaths
{
    public const string Raw = "volumes/raw";

    /// <summary>Some EM data sets (and converted CREMI crops) keep the image at the root.</summary>
    public const string RawAtRoot = "raw";

    public const string Clefts = "volumes/labels/clefts";
    public const string Predictions = "volumes/predictions/clefts";
    public const string NeuronIds = "volumes/labels/neuron_ids";

    /// <summary>The Python tool's single mask dataset.</summary>
    public const string PythonToolMask = "data";

    public const string ResolutionAttribute = "resolution";
    public const string OffsetAttribute = "offset";

    /// <summary>The voxel size in µm, z,y,x, as Fiji's HDF5 plugin and vigra/ilastik write it; read when `resolution` is absent.</summary>
    public const string ElementSizeAttribute = "element_size_um";

    /// <summary>The dataset path of one volume in files we write.</summary>
    public static string Of(CremiDatasets dataset) => dataset switch
    {
        CremiDatasets.Raw => Raw,
        CremiDatasets.Clefts => Clefts,
        CremiDatasets.Predictions => Predictions,
        _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset, "exactly one dataset expected"),
    };
}
