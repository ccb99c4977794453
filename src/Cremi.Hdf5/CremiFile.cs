using Cremi.Core.Volumes;
using Cremi.Hdf5.Filters;
using PureHDF;
using PureHDF.VOL.Native;

namespace Cremi.Hdf5;

/// <summary>
/// An open CREMI file (or a Python-tool mask), validated at Open so that later reads cannot fail on types, ranks or
/// shapes. Every failure caused by the file itself surfaces as <see cref="CremiFileException"/>; blocks that leave the
/// volume are the caller's mistake and throw <see cref="ArgumentOutOfRangeException"/>.
/// Not thread-safe: PureHDF reads through one file handle. Open one CremiFile per thread.
/// </summary>
public sealed class CremiFile : IDisposable
{
    private readonly NativeFile _file;
    private readonly IH5Dataset? _raw;
    private readonly IH5Dataset? _clefts;
    private readonly IH5Dataset? _predictions;
    private readonly CommonRegion _region;

    private CremiFile(string path, NativeFile file)
    {
        Path = path;
        _file = file;

        (_raw, RawDatasetPath) = FindFirst(CremiPaths.Raw, CremiPaths.RawAtRoot);
        (_clefts, CleftsDatasetPath) = FindFirst(CremiPaths.Clefts);
        (_predictions, PredictionsDatasetPath) = FindFirst(CremiPaths.Predictions);

        Layout = CremiLayoutKind.Cremi;
        if (_raw is null && _clefts is null && _predictions is null)
        {
            (_clefts, CleftsDatasetPath) = FindFirst(CremiPaths.PythonToolMask);
            if (_clefts is null)
                throw Fail($"no CREMI volume found: expected dataset '{CremiPaths.Raw}', '{CremiPaths.Clefts}' or " +
                           $"'{CremiPaths.Predictions}' (or a Python-tool mask '{CremiPaths.PythonToolMask}')");
            Layout = CremiLayoutKind.PythonToolMask;
        }

        // A filter we cannot decode would fail at the first read, mid-run, as "damaged": refuse it here by name.
        foreach (var (dataset, datasetPath) in new[] { (_raw, RawDatasetPath), (_clefts, CleftsDatasetPath), (_predictions, PredictionsDatasetPath) })
        {
            if (dataset is null || H5FilterNames.Pipeline(dataset) is not { } pipeline) continue;
            if (CompressionFilters.Refusal(datasetPath!, pipeline) is { } refusal)
                throw Fail(refusal);
            SkippedFilterWorkaround.Apply(dataset, pipeline);
        }

        var stored = new List<StoredVolume>();
        if (_raw is not null) stored.Add(Stored(_raw, RawDatasetPath!, DatasetRole.Raw));
        if (_clefts is not null) stored.Add(Stored(_clefts, CleftsDatasetPath!, DatasetRole.Labels));
        if (_predictions is not null) stored.Add(Stored(_predictions, PredictionsDatasetPath!, DatasetRole.Predictions));

        var owners = new List<(IH5Object Owner, string Name)>();
        if (_raw is not null) owners.Add((_raw, RawDatasetPath!));
        if (_clefts is not null) owners.Add((_clefts, CleftsDatasetPath!));
        if (_predictions is not null) owners.Add((_predictions, PredictionsDatasetPath!));
        if (file.LinkExists("volumes") && file.Get("volumes") is IH5Group volumes) owners.Add((volumes, "volumes"));
        owners.Add((file, "/"));

        // CREMI's `resolution` (nm) first; else Fiji's and vigra/ilastik's `element_size_um` (z,y,x in µm), which
        // FIB-SEM and other non-CREMI HDF5 exports carry, so their voxel size plans the network instead of 40,4,4.
        var resolution = FindTriple(owners, CremiPaths.ResolutionAttribute, positive: true)
                         ?? FindTriple(owners, CremiPaths.ElementSizeAttribute, positive: true, unit: "µm")?.Select(v => v * 1000).ToArray();
        ResolutionWasDefaulted = resolution is null;
        Resolution = resolution is { } r ? new VoxelSize(r[0], r[1], r[2]) : VoxelSize.Cremi;
        var fileOffset = FindTriple(owners, CremiPaths.OffsetAttribute, positive: false) is { } o
            ? new Offset3(o[0], o[1], o[2])
            : Offset3.Zero;

        // Every volume of one file describes the same voxels: a padded raw with unpadded labels (CREMI's padded
        // samples) is read where the labels lie, by their offsets; shapes that nothing places are refused, since
        // reading both from voxel 0 would silently pair labels with the wrong tissue.
        try
        {
            _region = CommonRegion.Of(stored, Resolution, fileOffset);
        }
        catch (InvalidDataException e)
        {
            throw Fail(e.Message, e);
        }
        Shape = _region.Shape;
        Offset = _region.Offset;

        Provenance = H5Attributes.ReadStrings(file);
        if (_raw is not null && !H5TypeNames.IsUInt8(_raw.Type)) RawIntensity = RawIntensityWindow.Measure(_raw, _region.Datasets[RawDatasetPath!].Stored); // a damaged file fails here, in Open
    }

    private enum DatasetRole { Raw, Labels, Predictions }

    /// <summary>How a raw image stored wider than uint8 is mapped to uint8; null for uint8 raw (read as it is).</summary>
    public RawIntensityWindow? RawIntensity { get; }

    /// <summary>The path as given to <see cref="Open"/>.</summary>
    public string Path { get; }

    public CremiLayoutKind Layout { get; }

    /// <summary>
    /// The shape shared by all volumes of the file: for a padded file (a raw image larger than its labels, placed by
    /// `offset` attributes) the region they share, which every read addresses from (0,0,0).
    /// </summary>
    public Shape3 Shape { get; }

    /// <summary>
    /// For a padded file, what is read where, e.g. "volumes/raw 200x3072x3072 is read from voxel (38,911,911)"; null
    /// when every volume is read whole.
    /// </summary>
    public string? RegionNote => _region.Note;

    /// <summary>From the `resolution` attribute (z, y, x nm), or <see cref="VoxelSize.Cremi"/> when none exists.</summary>
    public VoxelSize Resolution { get; }

    /// <summary>True when no `resolution` attribute was found and 40,4,4 nm was assumed: the CLI should warn.</summary>
    public bool ResolutionWasDefaulted { get; }

    /// <summary>From the `offset` attribute (z, y, x nm), zero when none exists; for a padded file the offset of the
    /// shared region.</summary>
    public Offset3 Offset { get; }

    public bool HasRaw => _raw is not null;
    public bool HasClefts => _clefts is not null;
    public bool HasPredictions => _predictions is not null;

    /// <summary>The datasets this file has, as flags.</summary>
    public CremiDatasets Datasets =>
        (HasRaw ? CremiDatasets.Raw : 0) | (HasClefts ? CremiDatasets.Clefts : 0) | (HasPredictions ? CremiDatasets.Predictions : 0);

    /// <summary>Where each volume was found (e.g. "raw" in files that keep the image at the root), or null.</summary>
    public string? RawDatasetPath { get; }
    public string? CleftsDatasetPath { get; }
    public string? PredictionsDatasetPath { get; }

    /// <summary>String attributes of the root group (tool, version, command, ... in files we write).</summary>
    public IReadOnlyDictionary<string, string> Provenance { get; }

    /// <summary>Opens and validates a file. Throws <see cref="CremiFileException"/> for every problem of the file.</summary>
    public static CremiFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Hdf5FileProbe.Check(path);
        CompressionFilters.EnsureRegistered();

        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception e)
        {
            throw new CremiFileException(path, CremiFileException.Unreadable(e), e);
        }

        try
        {
            return new CremiFile(path, file);
        }
        catch (CremiFileException)
        {
            file.Dispose();
            throw;
        }
        catch (Exception e)
        {
            file.Dispose();
            throw new CremiFileException(path, CremiFileException.Unreadable(e), e);
        }
    }

    /// <summary>Throws a <see cref="CremiFileException"/> naming the first wanted dataset the file lacks.</summary>
    public void Require(CremiDatasets wanted)
    {
        if (wanted.HasFlag(CremiDatasets.Raw) && !HasRaw) throw Missing(CremiPaths.Raw);
        if (wanted.HasFlag(CremiDatasets.Clefts) && !HasClefts) throw Missing(CremiPaths.Clefts);
        if (wanted.HasFlag(CremiDatasets.Predictions) && !HasPredictions) throw Missing(CremiPaths.Predictions);
    }

    public Volume<byte> ReadRaw() => ReadRaw(0, 0, 0, Shape);

    public Volume<byte> ReadRaw(int z0, int y0, int x0, Shape3 block)
    {
        Require(CremiDatasets.Raw);
        var (stored, z, y, x) = _region.Place(RawDatasetPath!, z0, y0, x0);
        return ReadBlock(RawDatasetPath!, z0, y0, x0, block, () => RawIntensity is { } window
            ? window.ReadMapped(_raw!, stored, z, y, x, block)
            : H5BlockReader.Read<byte>(_raw!, stored, z, y, x, block));
    }

    /// <summary>
    /// Cleft ids as uint64 (CREMI: background 0xFFFFFFFFFFFFFFFF). Other integer types are widened; a Python-tool
    /// mask's 1 becomes id 1 and its 0 becomes <see cref="CleftLabel.Background"/>.
    /// </summary>
    public Volume<ulong> ReadClefts() => ReadClefts(0, 0, 0, Shape);

    public Volume<ulong> ReadClefts(int z0, int y0, int x0, Shape3 block)
    {
        Require(CremiDatasets.Clefts);
        var (stored, z, y, x) = _region.Place(CleftsDatasetPath!, z0, y0, x0);
        return ReadBlock(CleftsDatasetPath!, z0, y0, x0, block, () =>
        {
            var labels = H5BlockReader.ReadLabels(_clefts!, stored, z, y, x, block);
            if (Layout == CremiLayoutKind.PythonToolMask)
                for (var i = 0; i < labels.Length; i++)
                    if (labels[i] == 0) labels[i] = CleftLabel.Background;
            return labels;
        });
    }

    /// <summary>Cleft probabilities scaled to 0..255.</summary>
    public Volume<byte> ReadPredictions() => ReadPredictions(0, 0, 0, Shape);

    public Volume<byte> ReadPredictions(int z0, int y0, int x0, Shape3 block)
    {
        Require(CremiDatasets.Predictions);
        var (stored, z, y, x) = _region.Place(PredictionsDatasetPath!, z0, y0, x0);
        return ReadBlock(PredictionsDatasetPath!, z0, y0, x0, block,
            () => H5BlockReader.Read<byte>(_predictions!, stored, z, y, x, block));
    }

    /// <summary>
    /// The clefts as consecutive full-section slabs of at most <paramref name="slabDepth"/> sections, so a caller can
    /// scan a 1.5 GB uint64 volume holding one slab at a time. Pick a multiple of the chunk depth to decode each chunk once.
    /// </summary>
    public IEnumerable<(int Z0, Volume<ulong> Slab)> ReadCleftSlabs(int slabDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slabDepth, 1);
        Require(CremiDatasets.Clefts);
        return Iterate();

        IEnumerable<(int, Volume<ulong>)> Iterate()
        {
            for (var z0 = 0; z0 < Shape.Z; z0 += slabDepth)
            {
                var depth = Math.Min(slabDepth, Shape.Z - z0);
                yield return (z0, ReadClefts(z0, 0, 0, new Shape3(depth, Shape.Y, Shape.X)));
            }
        }
    }

    public void Dispose() => _file.Dispose();

    /// <summary>The root group, for listings (<see cref="CremiInfoReader"/>).</summary>
    internal IH5Group Root => _file;

    /// <summary>The z extent of the clefts' chunks, or null when they are not chunked.</summary>
    internal int? CleftChunkDepth =>
        _clefts?.Layout.Class == H5DataLayoutClass.Chunked ? (int)Math.Min(_clefts.Layout.Chunks[0], int.MaxValue) : null;

    private Volume<T> ReadBlock<T>(string datasetPath, int z0, int y0, int x0, Shape3 block, Func<T[]> read) where T : unmanaged
    {
        if (block.IsEmpty || z0 < 0 || y0 < 0 || x0 < 0 || z0 + block.Z > Shape.Z || y0 + block.Y > Shape.Y || x0 + block.X > Shape.X)
            throw new ArgumentOutOfRangeException(nameof(block), $"block {block} at ({z0},{y0},{x0}) leaves volume {Shape} of {Path}");
        if (block.Count > Array.MaxLength)
            throw Fail($"'{datasetPath}' block {block} is too large to hold at once ({block.Count} voxels); read it in smaller blocks");

        T[] data;
        try
        {
            data = read();
        }
        catch (Exception e) when (e is not CremiFileException and not OutOfMemoryException)
        {
            throw Fail(CremiFileException.Unreadable(e, datasetPath), e);
        }
        var offset = new Offset3(Offset.Z + z0 * Resolution.Z, Offset.Y + y0 * Resolution.Y, Offset.X + x0 * Resolution.X);
        return new Volume<T>(block, data, Resolution, offset);
    }

    private (IH5Dataset? Dataset, string? Path) FindFirst(params string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (!LinkExists(candidate)) continue;
            return _file.Get(candidate) is IH5Dataset dataset
                ? (dataset, candidate)
                : throw Fail($"'{candidate}' is a group, expected a dataset");
        }
        return (null, null);
    }

    /// <summary>LinkExists for nested paths whose parent groups may be missing or be datasets.</summary>
    private bool LinkExists(string path)
    {
        IH5Group group = _file;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            if (!group.LinkExists(parts[i])) return false;
            if (i == parts.Length - 1) return true;
            if (group.Get(parts[i]) is not IH5Group next) return false;
            group = next;
        }
        return false;
    }

    /// <summary>A validated dataset with its own `offset` attribute (the file-wide one is looked up separately).</summary>
    private StoredVolume Stored(IH5Dataset dataset, string name, DatasetRole role) =>
        new(name, Validate(dataset, name, role),
            FindTriple([(dataset, name)], CremiPaths.OffsetAttribute, positive: false) is { } o ? new Offset3(o[0], o[1], o[2]) : null);

    private Shape3 Validate(IH5Dataset dataset, string name, DatasetRole role)
    {
        var dims = dataset.Space.Dimensions;
        var axes = H5BlockReader.SpatialAxes(dims)
                   ?? throw Fail($"dataset '{name}' has shape {string.Join('x', dims)}, expected 3 axes (z,y,x), " +
                                 "or 4-5 whose others have size 1 (a channel or time axis)");

        var type = dataset.Type;
        if (role == DatasetRole.Raw && !RawIntensityWindow.IsMappable(type))
            throw Fail($"dataset '{name}' has type {H5TypeNames.Of(type)}, expected a grey-value image (uint8, or an integer or float type mapped to uint8)");
        if (role == DatasetRole.Predictions && !H5TypeNames.IsUInt8(type))
            throw Fail($"dataset '{name}' has type {H5TypeNames.Of(type)}, expected uint8");
        if (role == DatasetRole.Labels && H5TypeNames.IntegerStorage(type) is null)
            throw Fail($"dataset '{name}' has type {H5TypeNames.Of(type)}, expected integer labels (uint64)");

        if (dims.Any(d => d == 0 || d > int.MaxValue))
            throw Fail($"dataset '{name}' has unusable shape {string.Join('x', dims)}");
        return new Shape3((int)dims[axes[0]], (int)dims[axes[1]], (int)dims[axes[2]]);
    }

    /// <summary>The first owner's attribute with this name, validated as three finite (and maybe positive) numbers.</summary>
    private double[]? FindTriple(IEnumerable<(IH5Object Owner, string Name)> owners, string attributeName, bool positive, string unit = "nm")
    {
        foreach (var (owner, ownerName) in owners)
        {
            if (!owner.AttributeExists(attributeName)) continue;
            var values = H5Attributes.ReadNumbers(owner.Attribute(attributeName));
            var expected = positive ? $"three positive numbers (z,y,x {unit})" : $"three numbers (z,y,x {unit})";
            if (values is null)
                throw Fail($"attribute '{attributeName}' of '{ownerName}' is not numeric, expected {expected}");
            if (values.Length != 3 || values.Any(v => !double.IsFinite(v) || (positive && v <= 0)))
                throw Fail($"attribute '{attributeName}' of '{ownerName}' is [{string.Join(", ", values)}], expected {expected}");
            return values;
        }
        return null;
    }

    private CremiFileException Missing(string dataset) => Fail($"dataset '{dataset}' is missing");

    private CremiFileException Fail(string problem, Exception? inner = null) => new(Path, problem, inner);
}
