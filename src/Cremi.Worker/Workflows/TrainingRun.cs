using Cremi.Core.Preprocessing;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Core.Training;
using Cremi.Learning.Models;
using Cremi.Learning.Training;
using Cremi.Learning.Weights;
using Cremi.Viewer.Plots;
using Cremi.Worker.Cli;
using Cremi.Worker.Commands;

namespace Cremi.Worker.Workflows;

/// <summary>
/// `cremi train` without its console: checks the settings, loads and splits the data, trains (resuming from a
/// checkpoint when asked), then writes loss.png and the optional PyTorch export. Shared by the verb and the worker.
/// </summary>
public sealed class TrainingRun
{
    private TrainingRun(TrainSettings settings, ModelSpec spec, TrainingOptions options, PreprocessingSpec preprocessing, VoxelSize resolution)
    {
        Resolution = resolution;
        Settings = settings;
        Spec = spec;
        Options = options;
        Preprocessing = preprocessing;
    }

    public TrainSettings Settings { get; }

    /// <summary>The voxel size of the first training file, which the network and window were planned for.</summary>
    public VoxelSize Resolution { get; }
    public ModelSpec Spec { get; }

    /// <summary>Why the planned window is shallower than the voxel size alone would make it, or null.</summary>
    public string? WindowNote { get; private init; }

    /// <summary>One line per input file resized to the first file's pixel size.</summary>
    public IReadOnlyList<string> ResampleNotes { get; private init; } = [];
    public TrainingOptions Options { get; }
    public PreprocessingSpec Preprocessing { get; }
    public IReadOnlyList<TrainingVolume> Train { get; private set; } = [];
    public IReadOnlyList<TrainingVolume> Validation { get; private set; } = [];

    public string PlotPath => Path.Combine(Settings.Output, "loss.png");

    /// <summary>Checks what can be checked before any data is read.</summary>
    public static TrainingRun Check(TrainSettings settings)
    {
        // The network and window are planned from the voxel size of the first file and the depth of the thinnest
        // training volume (headers only, cheap); a file that cannot be opened fails here, before anything is trained.
        var headers = InputFiles(settings).Select(path =>
        {
            using var file = CremiFile.Open(path);
            return (Name: Path.GetFileName(path), file.Resolution, file.Shape);
        }).ToList();
        var resolution = headers[0].Resolution;
        // Files at other pixel sizes are resized to the first one's when loaded (TrainingData.Load): plan with their
        // shapes as loaded, and say so.
        var notes = new List<string>();
        for (var i = 1; i < headers.Count; i++)
        {
            if (ResolutionMismatch.InPlaneGrid(headers[i].Shape, headers[i].Resolution, resolution) is not { } grid) continue;
            notes.Add($"{headers[i].Name} ({headers[i].Resolution}) resized in-plane from {headers[i].Shape.Y}x{headers[i].Shape.X} " +
                      $"to {grid.Y}x{grid.X}, the first file's {resolution.Y:0.##}x{resolution.X:0.##} nm pixels");
            headers[i] = headers[i] with { Shape = headers[i].Shape with { Y = grid.Y, X = grid.X } };
        }
        var split = Split(settings);
        var trained = headers.Select(h => h.Shape with { Z = split.TrainingSections(h.Name, h.Shape.Z) })
            .Where(part => part.Z > 0).OrderBy(part => part.Z).ToList();
        Shape3? thinnest = trained.Count > 0 ? trained[0] : null;
        var spec = settings.ModelSpec(resolution);
        var options = settings.TrainingOptions(spec, resolution, thinnest);
        var windowNote = settings.Window is null && thinnest is { } t && options.Window.Z < NetworkPlan.Window(resolution, spec.RequiredMultiple).Z
            ? $"as deep as the {t.Z} section(s) trained on of the thinnest volume" : null;
        spec.ValidateWindow(options.Window);
        var preprocessing = PreprocessingSpec.Parse(settings.PreprocessSpec);
        if (settings.Resume is not null && !File.Exists(settings.Resume))
            throw new UserInputException($"{settings.Resume}: checkpoint does not exist");
        return new TrainingRun(settings, spec, options, preprocessing, resolution) { WindowNote = windowNote, ResampleNotes = notes };
    }

    /// <summary>Reads and preprocesses every file, then splits training from validation data.</summary>
    public void Load()
    {
        var volumes = InputFiles(Settings).Select(p => TrainingData.Load(p, Preprocessing, Resolution)).ToList();
        (Train, Validation) = Split(Settings).Apply(volumes);
    }

    private static IEnumerable<string> InputFiles(TrainSettings settings) => settings.Data.Concat(settings.ValidationFiles).Distinct();

    private static ValidationSplit Split(TrainSettings settings) => settings.ValidationFiles.Length > 0
        ? ValidationSplit.ByVolume(settings.ValidationFiles.Select(Path.GetFileName).OfType<string>())
        : ValidationSplit.ByZ(settings.ValidationFraction);

    public TrainingResult Run(ITrainingObserver observer, CancellationToken cancellationToken)
    {
        var result = new Trainer(observer).Run(Train, Validation, Spec, Options, Preprocessing.ToString(),
            Settings.Output, Settings.Resume, Settings.InitFrom, cancellationToken);
        if (result.History.Count > 0)
            OutputFile.WriteAllBytes(PlotPath, LossCurvePlot.RenderPng(result.History
                .Select(h => new EpochPoint(h.Epoch, h.TrainLoss, h.ValidationLoss, h.BestF1)).ToList()));
        if (Settings.ExportPth is not null)
        {
            var (_, model) = ModelFile.Load(result.BestModelPath, TorchSharp.torch.CPU);
            using (model) WeightFiles.SavePyTorch(model, Settings.ExportPth);
        }
        return result;
    }
}
