using PureHDF.Filters;

namespace Cremi.Hdf5.Filters;

/// <summary>
/// Runs a dataset's whole original filter pipeline as one filter, in place of PureHDF's own loop, for pipelines that
/// hold one of our decoders (<see cref="SkippedFilterWorkaround"/> installs it).
/// Why: HDF5 stores a chunk with an optional filter skipped when that filter could not shrink it (h5py's LZF and
/// Blosc on noisy EM chunks), marking bit k of the chunk's filter mask for filter k. PureHDF 2.2 tests bit k + 1
/// (H5Filter.ExecutePipeline), so it runs LZF on raw bytes and may skip the shuffle before it. This filter sits at
/// the end of a pipeline padded with <see cref="NoFilter"/>s, where PureHDF tests a bit no chunk sets, so it always
/// runs; it cannot see the mask either, so each of our decoders recognises a chunk stored without it
/// (<see cref="DecodingFilter.StoredRaw"/>), and PureHDF's own filters (shuffle, gzip, checksums), which never
/// fail at writing, always run.
/// The original pipeline travels in this filter's client data: count, then per filter id, flags, value count, values.
/// </summary>
internal sealed class WholePipelineFilter : DecodingFilter
{
    /// <summary>From HDF5's range for private filters (32768-65535), never written to a file.</summary>
    public const ushort Id = 65000;

    private static readonly Dictionary<ushort, IH5Filter> Filters = new IH5Filter[]
    {
        new LzfFilter(), new BloscFilter(), new Lz4Filter(),
        new ShuffleFilter(), new DeflateFilter(), new Fletcher32Filter(), new NbitFilter(), new ScaleOffsetFilter(),
    }.ToDictionary(f => f.FilterId);

    public override ushort FilterId => Id;

    public override string Name => "cremi-pipeline";

    public static bool CanRun(ushort filterId) => Filters.ContainsKey(filterId);

    public static uint[] Encode(IReadOnlyList<(ushort Id, ushort Flags, uint[] Values)> pipeline)
    {
        var data = new List<uint> { (uint)pipeline.Count };
        foreach (var (id, flags, values) in pipeline)
        {
            data.AddRange([id, flags, (uint)values.Length]);
            data.AddRange(values);
        }
        return data.ToArray();
    }

    public static List<(ushort Id, ushort Flags, uint[] Values)> Decode(uint[] data)
    {
        var pipeline = new List<(ushort, ushort, uint[])>();
        var at = 1;
        for (var k = 0; k < data[0]; k++)
        {
            var count = (int)data[at + 2];
            pipeline.Add(((ushort)data[at], (ushort)data[at + 1], data[(at + 3)..(at + 3 + count)]));
            at += 3 + count;
        }
        return pipeline;
    }

    protected override Memory<byte> Decode(FilterInfo info)
    {
        var buffer = info.Buffer;
        var pipeline = Decode(info.Parameters);
        // Reading undoes the filters in reverse order of writing.
        for (var k = pipeline.Count - 1; k >= 0; k--)
        {
            var (id, _, values) = pipeline[k];
            buffer = Filters[id].Filter(new FilterInfo(info.Flags, values, info.ChunkSize, buffer));
        }
        // PureHDF returns the chunk's read buffer to a pool after the pipeline: never hand back a view of it.
        return buffer.Span.Overlaps(info.Buffer.Span) ? buffer.ToArray() : buffer;
    }
}

/// <summary>Pads a pipeline so that <see cref="WholePipelineFilter"/> sits where PureHDF never skips; does nothing.</summary>
internal sealed class NoFilter : DecodingFilter
{
    public const ushort Id = 65001;

    public override ushort FilterId => Id;

    public override string Name => "cremi-padding";

    protected override Memory<byte> Decode(FilterInfo info) => info.Buffer;
}
