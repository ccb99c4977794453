using System.Reflection;
using Cremi.Hdf5.Filters;
using PureHDF;

namespace Cremi.Hdf5;

/// <summary>
/// Names of a dataset's filters ("deflate(4)", "shuffle", ...). PureHDF 2.2 decodes the filter pipeline but keeps
/// it internal (NativeDataset.InternalFilterPipeline), so it is read by reflection; if a PureHDF update renames it,
/// we answer null ("unknown") instead of failing, because the listing is informative only.
/// </summary>
internal static class H5FilterNames
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    public static IReadOnlyList<string>? Of(IH5Dataset dataset) => Pipeline(dataset)?.Select(f => f.Name).ToList();

    /// <summary>The pipeline's filters in writing order, empty when none, null when unknown.</summary>
    public static IReadOnlyList<H5FilterStage>? Pipeline(IH5Dataset dataset)
    {
        try
        {
            var pipeline = dataset.GetType().GetProperty("InternalFilterPipeline", Instance)?.GetValue(dataset);
            if (pipeline is null)
                return dataset.GetType().GetProperty("InternalFilterPipeline", Instance) is null ? null : [];
            if (pipeline.GetType().GetProperty("FilterDescriptions", Instance)?.GetValue(pipeline) is not Array descriptions)
                return null;

            var filters = new List<H5FilterStage>();
            foreach (var description in descriptions)
            {
                var type = description.GetType();
                var id = Convert.ToUInt16(type.GetProperty("Identifier", Instance)?.GetValue(description) ?? (ushort)0);
                var flags = Convert.ToUInt16(type.GetProperty("Flags", Instance)?.GetValue(description) ?? (ushort)0);
                var name = type.GetProperty("Name", Instance)?.GetValue(description) as string;
                var parameters = type.GetProperty("ClientData", Instance)?.GetValue(description) as uint[] ?? [];
                // A pipeline we replaced to read it (SkippedFilterWorkaround) is listed as the file stores it.
                if (id == WholePipelineFilter.Id)
                    return WholePipelineFilter.Decode(parameters).Select(f => new H5FilterStage(f.Id, Describe(f.Id, null, f.Values), f.Flags, f.Values)).ToList();
                filters.Add(new H5FilterStage(id, Describe(id, name, parameters), flags, parameters));
            }
            return filters;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static string Describe(ushort id, string? name, uint[] parameters) => id switch
    {
        1 => parameters.Length > 0 ? $"deflate({parameters[0]})" : "deflate",
        2 => "shuffle",
        3 => "fletcher32",
        4 => "szip",
        5 => "nbit",
        6 => "scaleoffset",
        307 => "bzip2",
        32000 => "lzf",
        32001 => "blosc",
        32004 => "lz4",
        32008 => "bitshuffle",
        32015 => "zstd",
        _ => string.IsNullOrWhiteSpace(name) ? $"filter{id}" : $"{name}({id})",
    };
}

/// <summary>One filter of a dataset's pipeline: its id, a readable name ("deflate(4)"), its flags and client data.</summary>
internal sealed record H5FilterStage(ushort Id, string Name, ushort Flags, uint[] Values);
