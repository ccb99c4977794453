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
    public TrainingOptions Options { get; }
    public PreprocessingSpec Preprocessing { get; }
    public IReadOnlyList<TrainingVolume> Train { get; private set; } = [];
    public IReadOnlyList<TrainingVolume> Validation { get; private set; } = [];

    public string PlotPath => Path.Combine(Settings.Output, "loss.png");

    /// <summary>Checks what can be checked before any data is read.</summary>
    public static TrainingRun Check(TrainSettings settings)
    {
        // The network and window are planned from the voxel size of the first file (header only, cheap); a file
        // that cannot be opened fails here, before anything is trained.
        VoxelSize resolution;
        using (var first = CremiFile.Open(settings.Data[0])) resolution = first.Resolution;
        var spec = settings.ModelSpec(resolution);
        var options = settings.TrainingOptions(spec, resolution);
        spec.ValidateWindow(options.Window);
        var preprocessing = PreprocessingSpec.Parse(settings.PreprocessSpec);
        if (settings.Resume is not null && !File.Exists(settings.Resume))
            throw new UserInputException($"{settings.Resume}: checkpoint does not exist");
        return new TrainingRun(settings, spec, options, preprocessing, resolution);
    }

    /// <summary>Reads and preprocesses every file, then splits training from validation data.</summary>
    public void Load()
    {
        var volumes = Settings.Data.Concat(Settings.ValidationFiles).Distinct().Select(p => TrainingData.Load(p, Preprocessing)).ToList();
        var split = Settings.ValidationFiles.Length > 0
            ? ValidationSplit.ByVolume(Settings.ValidationFiles.Select(Path.GetFileName).OfType<string>())
            : ValidationSplit.ByZ(Settings.ValidationFraction);
        (Train, Validation) = split.Apply(volumes);
    }

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
