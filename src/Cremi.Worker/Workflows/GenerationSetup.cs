using System.Globalization;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Learning.Devices;
using Cremi.Learning.Inference;
using Cremi.Worker.Cli;
using Cremi.Worker.Commands;

namespace Cremi.Worker.Workflows;

/// <summary>
/// Everything `cremi generate` opens before predicting (data file, model, device, windows, labelling), from its
/// settings; shared by the verb (with a progress bar) and the worker's jobs (with spans), so both run the same code.
/// </summary>
public sealed class GenerationSetup : IDisposable
{
    private readonly GenerateSettings _settings;

    private GenerationSetup(GenerateSettings settings, CremiFile data, InferenceModel model, TorchSharp.torch.Device device,
        GenerationRequest request, MaskGeneration generation, BlockwiseGeneration blocks)
    {
        Blocks = blocks;
        _settings = settings;
        Data = data;
        Model = model;
        Device = device;
        Request = request;
        Generation = generation;
    }

    public CremiFile Data { get; }
    public InferenceModel Model { get; }
    public TorchSharp.torch.Device Device { get; }
    public GenerationRequest Request { get; }
    public MaskGeneration Generation { get; }

    /// <summary>Set when the data's voxel size differs from the model's training data (see <see cref="ResolutionMismatch"/>)
    /// on an axis the run does not resample (z always; y and x with `--resample off`).</summary>
    public string? ResolutionWarning
    {
        get
        {
            if (Model.TrainedResolution is not { } trained) return null;
            if (Request.InPlaneGrid is null) return ResolutionMismatch.Describe(Data.Resolution, trained);
            // y and x are taken care of: warn only if z still differs, in the data's own numbers.
            return ResolutionMismatch.Describe(Data.Resolution with { Y = trained.Y, X = trained.X }, trained) is null
                ? null
                : ResolutionMismatch.Describe(Data.Resolution, trained) + " (y and x are resampled to the model's pixels, z is not)";
        }
    }

    /// <summary>What the in-plane resampling does, e.g. "sections resized from 625x625 to 1250x1250 (8x8 nm pixels to
    /// the model's 4x4) for the network, scores back to 625x625"; null when the data is used as stored.</summary>
    public string? ResampleNote => Request.InPlaneGrid is { } grid && Model.TrainedResolution is { } trained
        ? $"sections resized from {Data.Shape.Y}x{Data.Shape.X} to {grid.Y}x{grid.X} ({Data.Resolution.Y:0.##}x{Data.Resolution.X:0.##} nm " +
          $"pixels to the model's {trained.Y:0.##}x{trained.X:0.##}) for the network, scores back to {Data.Shape.Y}x{Data.Shape.X}"
        : null;

    /// <summary>The same model and settings, one block at a time (a block-wise job's blocks).</summary>
    public BlockwiseGeneration Blocks { get; }

    public static GenerationSetup Open(GenerateSettings settings, string output)
    {
        var seedFilters = settings.SeedFilters();
        var data = CremiFile.Open(settings.Data);
        try
        {
            data.Require(CremiDatasets.Raw);
            var device = ComputeDevice.Resolve(settings.Device);
            var model = InferenceModel.Load(settings.Model, seedFilters, settings.Naive, device);
            try
            {
                var windows = settings.Windows(model.Window);
                model.Spec.ValidateWindow(windows.Window);
                var labelling = settings.Labelling(model.Threshold);
                var grid = settings.ResampleInPlane() && model.TrainedResolution is { } trained
                    ? ResolutionMismatch.InPlaneGrid(data.Shape, data.Resolution, trained)
                    : null;
                var request = new GenerationRequest(settings.Data, output, windows, labelling, settings.Naive,
                    Provenance.For("generate", Describe(settings, windows, labelling, model.TrainedResolution, grid)), grid);
                var windowModel = model.ToWindowModel(device);
                return new GenerationSetup(settings, data, model, device, request, new MaskGeneration(model, windowModel),
                    new BlockwiseGeneration(model, windowModel));
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    public long WindowCount => Generation.WindowCount(Data.Shape, Request);

    public int BlockCount => Generation.BlockCount(Data.Shape, Request);

    public GenerationResult Run(Action<int>? windowsDone, CancellationToken cancellationToken) =>
        Generation.Run(Data, Request, windowsDone, cancellationToken);

    public GenerationResult Run(GenerationHooks hooks, CancellationToken cancellationToken) =>
        Generation.Run(Data, Request, hooks, cancellationToken);

    /// <summary>
    /// What the scores of this run depend on, hashed: the model and data files' bytes, the device and every
    /// prediction setting (not the labelling ones: they act after the scores). A <see cref="ScoreJournal"/> trusts
    /// only blocks of the same identity.
    /// </summary>
    public byte[] Identity() =>
        Hash("cremi score journal v1", Sha256(_settings.Model), Sha256(_settings.Data), Device.ToString(), ArchSettings(),
            WindowSettings(includeBatch: true));

    /// <summary>
    /// What a block's scores depend on, hashed (hex): the model file's bytes and the settings that change scores beyond
    /// round-off. Not the data file (a job's input does not change, and hashing gigabytes per block would cost more
    /// than some blocks), the device or the batch size (each block is predicted whole on one node, so CPU and GPU
    /// nodes may share a job). A <see cref="BlockPlan"/> keeps it; every block run checks it.
    /// </summary>
    public string BlockProducer() =>
        Convert.ToHexStringLower(Hash("cremi block producer v1", Sha256(_settings.Model), ArchSettings(), WindowSettings(includeBatch: false)));

    private string ArchSettings() => $"arch={_settings.Arch};filters={_settings.Filters};naive={_settings.Naive}";

    private string WindowSettings(bool includeBatch)
    {
        var w = Request.Windows;
        var batch = includeBatch ? $"batch={w.BatchSize};" : "";
        var grid = Request.InPlaneGrid is { } g ? $";grid={g.Y}x{g.X}" : "";
        return $"window={w.Window};overlap={w.Overlap.ToString("R", CultureInfo.InvariantCulture)};{batch}slab={w.SlabDepth};tta={w.Tta};gaussian={w.Gaussian}{grid}";
    }

    private static byte[] Hash(params string[] lines) =>
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines)));

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    public void Dispose()
    {
        Model.Dispose();
        Data.Dispose();
    }

    private static Dictionary<string, string> Describe(GenerateSettings s, SlidingWindowOptions w, CleftLabelling l, VoxelSize? trained,
        (int Y, int X)? grid)
    {
        var inv = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>
        {
            ["source"] = Path.GetFullPath(s.Data),
            ["model"] = Path.GetFullPath(s.Model),
            ["arch"] = s.Arch ?? "model file",
            ["threshold"] = l.Threshold.ToString("R", inv),
            ["threshold_low"] = l.Low?.ToString("R", inv) ?? "",
            ["threshold_high"] = l.High?.ToString("R", inv) ?? "",
            ["min_size"] = l.MinSize.ToString(inv),
            ["window_zyx"] = w.Window.ToArgument(),
            ["overlap"] = s.Naive ? "0" : w.Overlap.ToString("R", inv),
            ["blending"] = s.Naive ? "none (naive)" : "gaussian",
            ["tta"] = w.Tta ? "flips z,y,x" : "none",
            ["mode"] = s.Naive ? "naive" : "sliding-window",
            ["model_resolution_zyx"] = trained is { } r ? string.Join(',', r.ToArray().Select(v => v.ToString("R", inv))) : "unknown",
            ["network_grid_yx"] = grid is { } g ? $"{g.Y},{g.X}" : "as stored",
        };
    }
}
