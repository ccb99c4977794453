using Cremi.Core.Volumes;
using PureHDF;

namespace Cremi.Hdf5;

/// <summary>Builds a <see cref="CremiInfo"/>: the CREMI view of a file plus a plain listing of everything in it.</summary>
public static class CremiInfoReader
{
    /// <param name="countClefts">
    /// Whether to scan the cleft labels (a full read: about a second per CREMI sample, one slab in memory at a time).
    /// </param>
    public static CremiInfo Read(string path, bool countClefts = true)
    {
        using var file = CremiFile.Open(path);
        var datasets = new List<CremiDatasetInfo>();
        var groups = new List<string>();
        try
        {
            Walk(file.Root, "", datasets, groups);
        }
        catch (Exception e) when (e is not CremiFileException)
        {
            throw new CremiFileException(path, $"file is truncated or damaged (listing its contents: {CremiFileException.Describe(e)})", e);
        }

        var statistics = countClefts && file.HasClefts ? CountClefts(file) : null;
        return new CremiInfo(path, file.Layout, file.Shape, file.Resolution, file.ResolutionWasDefaulted, file.Offset,
            file.Datasets, datasets, groups, file.Provenance, statistics, file.RawIntensity, file.RegionNote);
    }

    private static void Walk(IH5Group group, string prefix, List<CremiDatasetInfo> datasets, List<string> groups)
    {
        foreach (var child in group.Children().OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var path = prefix.Length == 0 ? child.Name : $"{prefix}/{child.Name}";
            switch (child)
            {
                case IH5Group subgroup:
                    groups.Add(path);
                    Walk(subgroup, path, datasets, groups);
                    break;
                case IH5Dataset dataset:
                    datasets.Add(Describe(path, dataset));
                    break;
                // Committed datatypes and unresolved links are not data: they are left out.
            }
        }
    }

    private static CremiDatasetInfo Describe(string path, IH5Dataset dataset)
    {
        var chunks = dataset.Layout.Class == H5DataLayoutClass.Chunked ? dataset.Layout.Chunks : null;
        return new CremiDatasetInfo(path, dataset.Space.Dimensions, H5TypeNames.Of(dataset.Type), chunks, H5FilterNames.Of(dataset));
    }

    private static CremiCleftStatistics CountClefts(CremiFile file)
    {
        long cleft = 0, ignore = 0, background = 0;
        var perCleft = new Dictionary<ulong, long>();
        // Slabs of whole chunk rows decode each chunk once; 8 sections of a CREMI sample are 100 MB of uint64.
        foreach (var (_, slab) in file.ReadCleftSlabs(file.CleftChunkDepth ?? 8))
        {
            var last = CleftLabel.Background;
            long run = 0;
            foreach (var value in slab.Data)
            {
                if (value == CleftLabel.Background || value == 0) background++;
                else if (value == CleftLabel.Ignore) ignore++;
                else
                {
                    cleft++;
                    // Cleft voxels come in runs of one id: count runs, touch the dictionary once per run.
                    if (value == last) { run++; continue; }
                    Add(perCleft, last, run);
                    last = value;
                    run = 1;
                }
            }
            Add(perCleft, last, run);
        }
        var sorted = new SortedDictionary<ulong, long>(perCleft);
        return new CremiCleftStatistics(cleft, ignore, background, sorted);

        static void Add(Dictionary<ulong, long> counts, ulong id, long n)
        {
            if (n == 0 || !CleftLabel.IsCleft(id)) return;
            counts[id] = counts.GetValueOrDefault(id) + n;
        }
    }
}
