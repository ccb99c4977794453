using PureHDF.Filters;

namespace Cremi.Hdf5.Filters;

/// <summary>
/// The HDF5 filters cremi decodes: PureHDF's own (gzip, shuffle, fletcher32, n-bit, scale-offset) and the third-party
/// compressors Python users write most (h5py's LZF, Blosc, LZ4), registered with PureHDF once per process. Datasets
/// under any other filter are refused when the file is opened, naming the filter and how to rewrite the file.
/// </summary>
public static class CompressionFilters
{
    private static readonly Lazy<bool> Registration = new(() =>
    {
        H5Filter.Register(new LzfFilter());
        H5Filter.Register(new BloscFilter());
        H5Filter.Register(new Lz4Filter());
        H5Filter.Register(new WholePipelineFilter());
        H5Filter.Register(new NoFilter());
        return true;
    });

    /// <summary>Registers the third-party decoders with PureHDF (idempotent, thread-safe).</summary>
    public static void EnsureRegistered() => _ = Registration.Value;

    /// <summary>Why a dataset whose pipeline holds <paramref name="filters"/> cannot be read, or null when it can: a
    /// dataset is readable when <see cref="WholePipelineFilter"/> can run each of its filters (PureHDF's five and our three).</summary>
    internal static string? Refusal(string datasetPath, IReadOnlyList<H5FilterStage> filters)
    {
        foreach (var filter in filters)
        {
            if (WholePipelineFilter.CanRun(filter.Id)) continue;
            return $"'{datasetPath}' is stored with the HDF5 filter {filter.Name} (id {filter.Id}), which cremi cannot " +
                   "decode (it reads gzip, lzf, blosc and lz4, with shuffle, fletcher32, n-bit and scale-offset); " +
                   $"rewrite the file with gzip, e.g. 'h5repack -f GZIP=4 IN.hdf OUT.hdf'";
        }
        return null;
    }
}
