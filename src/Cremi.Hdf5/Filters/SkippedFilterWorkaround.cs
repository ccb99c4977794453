using System.Reflection;
using PureHDF;

namespace Cremi.Hdf5.Filters;

/// <summary>
/// Replaces the filter pipeline PureHDF decoded for a dataset with n padding filters and one
/// <see cref="WholePipelineFilter"/> carrying the original (see there for the PureHDF 2.2 bug this works around).
/// The pipeline is internal to PureHDF (NativeDataset.InternalFilterPipeline, a record of FilterDescription record
/// structs), so it is reached by reflection; if a PureHDF update moves it, nothing is changed and our decoders still
/// recognise single skipped filters on their own.
/// </summary>
internal static class SkippedFilterWorkaround
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>True when the dataset now reads through <see cref="WholePipelineFilter"/>.</summary>
    /// <param name="filters">The dataset's pipeline as <see cref="H5FilterNames.Pipeline"/> read it.</param>
    public static bool Apply(IH5Dataset dataset, IReadOnlyList<H5FilterStage> filters)
    {
        if (!filters.Any(f => f.Id is LzfFilter.Id or BloscFilter.Id or Lz4Filter.Id)) return false;
        if (!filters.All(f => WholePipelineFilter.CanRun(f.Id))) return false;
        try
        {
            var pipelineProperty = dataset.GetType().GetProperty("InternalFilterPipeline", Instance);
            var message = pipelineProperty?.GetValue(dataset);
            var descriptionsProperty = message?.GetType().GetProperty("FilterDescriptions", Instance);
            if (descriptionsProperty?.GetValue(message) is not Array descriptions) return false;
            var descriptionType = descriptions.GetType().GetElementType()!;
            var constructor = descriptionType.GetConstructors(Instance).SingleOrDefault(c => c.GetParameters().Length == 4);
            if (constructor is null) return false;

            if (descriptions.Length != filters.Count) return false;
            var original = filters.Select(f => (f.Id, f.Flags, f.Values)).ToList();

            var flagsType = constructor.GetParameters()[1].ParameterType;
            object Description(ushort id, string name, uint[] values) =>
                constructor.Invoke([id, Enum.ToObject(flagsType, 0), name, values]);

            var replaced = Array.CreateInstance(descriptionType, original.Count + 1);
            for (var k = 0; k < original.Count; k++) replaced.SetValue(Description(NoFilter.Id, "cremi-padding", []), k);
            replaced.SetValue(Description(WholePipelineFilter.Id, "cremi-pipeline", WholePipelineFilter.Encode(original)), original.Count);
            descriptionsProperty.SetValue(message, replaced);
            return true;
        }
        catch (Exception e) when (e is TargetInvocationException or ArgumentException or InvalidCastException or MemberAccessException)
        {
            return false;
        }
    }
}
