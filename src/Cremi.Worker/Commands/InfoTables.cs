using Cremi.Hdf5;
using Spectre.Console;

namespace Cremi.Worker.Commands;

/// <summary>The human-readable form of `cremi info`.</summary>
internal static class InfoTables
{
    public static void Write(IAnsiConsole console, CremiInfo info)
    {
        var summary = new Table().HideHeaders().AddColumns("", "").Border(TableBorder.Rounded)
            .Title(Markup.Escape(info.Path));
        summary.AddRow("layout", info.Layout.ToString());
        summary.AddRow("shape (z,y,x)", $"{info.Shape.Z} x {info.Shape.Y} x {info.Shape.X} ({info.Shape.Count:N0} voxels)");
        summary.AddRow("resolution", info.Resolution + (info.ResolutionWasDefaulted ? " (assumed)" : ""));
        if (info.RawIntensity is { } mapping) summary.AddRow("raw grey values", Markup.Escape(mapping.ToString()));
        summary.AddRow("offset (nm)", $"{info.Offset.Z:G},{info.Offset.Y:G},{info.Offset.X:G}");
        if (info.Region is { } region) summary.AddRow("region", Markup.Escape(region));
        if (info.Clefts is { } clefts)
        {
            var fraction = clefts.CleftVoxels / (double)Math.Max(1, info.Shape.Count);
            summary.AddRow("clefts", $"{clefts.DistinctCleftIds} ids, {clefts.CleftVoxels:N0} voxels ({fraction:P3})");
            if (clefts.IgnoreVoxels > 0) summary.AddRow("ignored voxels", clefts.IgnoreVoxels.ToString("N0"));
        }
        foreach (var (key, value) in info.Provenance) summary.AddRow(Markup.Escape(key), Markup.Escape(value));
        console.Write(summary);

        var datasets = new Table().Border(TableBorder.Simple).AddColumns("dataset", "shape", "dtype", "chunks", "filters");
        foreach (var d in info.Datasets)
            datasets.AddRow(Markup.Escape(d.Path), string.Join(" x ", d.Shape), d.DataType,
                d.Chunks is null ? "contiguous" : string.Join(" x ", d.Chunks),
                d.Filters is null ? "?" : d.Filters.Count == 0 ? "none" : Markup.Escape(string.Join(", ", d.Filters)));
        console.Write(datasets);
    }
}
