using Cremi.Core.Augmentation;
using Cremi.Core.Volumes;
using Cremi.Learning.Losses;

namespace Cremi.Learning.Training;

/// <summary>Everything that decides a training run; stored in checkpoints so a run can be resumed or repeated.</summary>
public sealed record TrainingOptions
{
    public Shape3 Window { get; init; } = new(16, 128, 128);
    public int BatchSize { get; init; } = 2;

    /// <summary>Optimizer steps per epoch; an epoch ends with a validation.</summary>
    public int StepsPerEpoch { get; init; } = 100;
    public int Epochs { get; init; } = DefaultEpochs;

    public const int DefaultEpochs = 10;

    /// <summary>Epochs of a run that its time budget is to end (`--minutes` without `--epochs`, the demo): more than any
    /// budget allows, so the clock alone decides, and the decay follows the clock.</summary>
    public const int EpochsUntilBudget = 10_000;

    /// <summary>Stop after this wall time even if epochs remain (a checkpoint is saved first).</summary>
    public TimeSpan? TimeBudget { get; init; }

    public double LearningRate { get; init; } = 1e-3;
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Linear warm-up steps before the cosine decay to <see cref="MinLearningRateFactor"/> × lr.</summary>
    public int WarmupSteps { get; init; } = 50;
    public double MinLearningRateFactor { get; init; } = 0.05;
    public double GradientClipNorm { get; init; } = 1.0;

    /// <summary>Decay cap of the weight average that is validated and saved (<see cref="WeightAverage"/>); 0 = no average.</summary>
    public double WeightAverageDecay { get; init; }

    public TargetKind Target { get; init; } = TargetKind.Binary;
    public LossSpec Loss { get; init; } = new(Bce: 1.0, Dice: 1.0, Iou: 0.0, PosWeight: 1.0);
    public double RejectEmptyProbability { get; init; } = 0.95;
    public AugmentationOptions Augmentation { get; init; } = AugmentationOptions.Default;

    /// <summary>Epochs without a better validation F1 before stopping early (0 = never); a run stops only once its
    /// learning rate is <see cref="SettledAfterDecay"/> of the way down its decay.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>
    /// Share of the learning-rate decay (<see cref="LearningRateSchedule.DecayProgress"/>) before which no run stops
    /// early and every best model is provisional: the first epoch past it replaces the best whatever its score.
    /// </summary>
    public const double SettledAfterDecay = 0.5;
    public int Seed { get; init; } = 1;

    /// <summary>Windows scored per validation (a fixed uniform sample of the covering grid); 0 = the whole validation data.</summary>
    public int ValidationWindows { get; init; } = 64;
    public string Device { get; init; } = "auto";

    /// <summary>Number format of the training passes (<see cref="TrainingPrecision"/>).</summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Auto;

    /// <summary>
    /// Validation voxels run through sliding-window inference after training to choose the shipped threshold
    /// (<see cref="ThresholdCalibration"/>); 0 keeps the best epoch's window threshold. 8 M ≈ 32 sections of 512².
    /// </summary>
    public long CalibrationVoxels { get; init; } = 8L << 20;

    /// <summary>
    /// The options that decide what a run learns, as flat strings in the CLI's own notation (the value of
    /// `--loss`, `--augment`, ...), written into metrics.json and the model file so a result can be traced to its
    /// recipe and repeated; paths and the device's thread count are not part of it.
    /// </summary>
    public IReadOnlyDictionary<string, string> Recipe()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["window"] = Window.ToArgument(),
            ["batch"] = BatchSize.ToString(inv),
            ["steps_per_epoch"] = StepsPerEpoch.ToString(inv),
            ["epochs"] = Epochs.ToString(inv),
            ["time_budget_minutes"] = TimeBudget is { } budget ? budget.TotalMinutes.ToString("0.###", inv) : "none",
            ["lr"] = LearningRate.ToString("R", inv),
            ["weight_decay"] = WeightDecay.ToString("R", inv),
            ["warmup_steps"] = WarmupSteps.ToString(inv),
            ["ema"] = WeightAverageDecay.ToString("R", inv),
            ["target"] = Target.ToString().ToLowerInvariant(),
            ["loss"] = Loss.ToString(),
            ["pos_weight"] = Loss.PosWeight.ToString("R", inv),
            ["reject_empty"] = RejectEmptyProbability.ToString("R", inv),
            ["augment"] = Augmentation.ToString(),
            ["patience"] = Patience.ToString(inv),
            ["seed"] = Seed.ToString(inv),
            ["precision"] = Precision.ToString().ToLowerInvariant(),
            ["val_windows"] = ValidationWindows.ToString(inv),
            ["calibration_voxels"] = CalibrationVoxels.ToString(inv),
        };
    }

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Window.IsEmpty) problems.Add($"window {Window} is empty");
        if (BatchSize < 1) problems.Add("batch size must be at least 1");
        if (StepsPerEpoch < 1 || Epochs < 1) problems.Add("steps per epoch and epochs must be at least 1");
        if (TimeBudget is { } budget && !(budget > TimeSpan.Zero)) problems.Add("the time budget (--minutes) must be more than 0 minutes");
        if (!(LearningRate > 0)) problems.Add("learning rate must be positive");
        if (WeightDecay < 0) problems.Add("weight decay must not be negative");
        if (!(WeightAverageDecay >= 0 && WeightAverageDecay < 1)) problems.Add("the weight average's decay must be 0 (off) or lie between 0 and 1");
        if (Patience < 0) problems.Add("patience must not be negative");
        if (CalibrationVoxels < 0) problems.Add("calibration voxels must not be negative");
        return problems;
    }
}
