using System.ComponentModel;
using System.Globalization;
using Cremi.Core.Augmentation;
using Cremi.Core.Training;
using Cremi.Core.Volumes;
using Cremi.Learning.Devices;
using Cremi.Learning.Losses;
using Cremi.Learning.Models;
using Cremi.Learning.Training;
using ValidationResult = Spectre.Console.ValidationResult;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>Options of `cremi train`; defaults are the project's recommended CREMI settings.</summary>
public sealed class TrainSettings : CommandSettings
{
    [CommandArgument(0, "<DATA>")]
    [Description("Annotated CREMI files (volumes/raw + volumes/labels/clefts).")]
    public string[] Data { get; init; } = [];

    [CommandOption("-o|--out <DIR>")]
    [Description("Output folder: model.cremi (best model), checkpoint.ckpt, history.csv, metrics.json, loss.png.")]
    [DefaultValue("train-out")]
    public string Output { get; init; } = "train-out";

    [CommandOption("--arch <ARCH>")]
    [Description("unet (ours: anisotropic, logits) or seed (the Python tool's network, exactly).")]
    [DefaultValue("unet")]
    public string Arch { get; init; } = "unet";

    [CommandOption("--filters <N>")]
    [Description("Base filters (doubling per level). Default: unet 16 on CUDA and 8 on the CPU, seed 64.")]
    public int? Filters { get; init; }

    [CommandOption("--depth <N>")]
    [Description("U-Net levels (unet only).")]
    [DefaultValue(4)]
    public int Depth { get; init; } = 4;

    [CommandOption("--in-plane-levels <N>")]
    [Description("Top levels that pool (1,2,2) with (1,3,3) kernels before 3D levels (unet only). Default: planned from the data's voxel size (2 for CREMI's 40x4x4 nm, 0 for isotropic voxels).")]
    public int? InPlaneLevels { get; init; }

    [CommandOption("--norm <KIND>")]
    [Description("batch, group, instance or none (unet only).")]
    [DefaultValue("group")]
    public string Norm { get; init; } = "group";

    [CommandOption("--dropout <P>")]
    [DefaultValue(0.0)]
    public double Dropout { get; init; }

    [CommandOption("--window <Z,Y,X>")]
    [Description("Training window in voxels; sides must be multiples of the network's pooling. Default: planned from the data's voxel size (16,128,128 for CREMI's 40x4x4 nm, 64,64,64 for 8 nm isotropic voxels).")]
    public string? Window { get; init; }

    [CommandOption("--batch <N>")]
    [Description("Windows per step. Default: 8 on CUDA, 2 on the CPU.")]
    public int? Batch { get; init; }

    [CommandOption("--epochs <N>")]
    [Description("Default: 10, or as many as the time budget allows when one is given.")]
    public int? Epochs { get; init; }

    [CommandOption("--steps-per-epoch <N>")]
    [DefaultValue(100)]
    public int StepsPerEpoch { get; init; } = 100;

    [CommandOption("--time-budget|--minutes <MINUTES>")]
    [Description("Train for this many minutes (checkpoint saved); the learning rate anneals over them. Without --epochs the budget alone ends the run.")]
    public double? TimeBudgetMinutes { get; init; }

    [CommandOption("--lr <RATE>")]
    [Description("Peak learning rate of AdamW (after warm-up, decayed by a cosine).")]
    [DefaultValue(3e-3)]
    public double LearningRate { get; init; } = 3e-3;

    [CommandOption("--weight-decay <W>")]
    [DefaultValue(1e-4)]
    public double WeightDecay { get; init; } = 1e-4;

    [CommandOption("--target <KIND>")]
    [Description("binary (probability; BCE/Dice/IoU) or distance (tanh signed distance / 50 nm, balanced MSE).")]
    [DefaultValue("binary")]
    public string Target { get; init; } = "binary";

    [CommandOption("--loss <TERMS>")]
    [Description("Weighted sum for binary targets, e.g. 'bce+dice', '0.25*bce+0.75*dice' (the seed's weights), 'iou', 'topk10+dice' (BCE over the hardest 10 % of voxels only).")]
    [DefaultValue("bce+dice")]
    public string Loss { get; init; } = "bce+dice";

    [CommandOption("--pos-weight <W>")]
    [Description("BCE weight of cleft voxels (clefts are under 1% of voxels).")]
    [DefaultValue(5.0)]
    public double PosWeight { get; init; } = 5.0;

    [CommandOption("--augment <LIST>")]
    [Description("default (every one but angle), all, none, or a comma list of flip, rot90, angle (any in-plane angle), intensity, missing, shift, elastic; name=P sets a per-window probability, and default or all may open the list (default,missing=0.3).")]
    [DefaultValue("default")]
    public string Augment { get; init; } = "default";

    [CommandOption("--ema <DECAY>")]
    [Description("Validate and save an exponential moving average of the weights, with this decay cap (0 = the weights themselves). Its decay ramps up as (1+t)/(10+t), so short runs average about their last ninth of steps.")]
    [DefaultValue(0.0)]
    public double Ema { get; init; }

    [CommandOption("--reject-empty <P>")]
    [Description("Probability of rejecting a training window without clefts.")]
    [DefaultValue(0.95)]
    public double RejectEmpty { get; init; } = 0.95;

    [CommandOption("--val-fraction <F>")]
    [Description("Fraction of each volume's sections (the last ones) held out for validation.")]
    [DefaultValue(0.2)]
    public double ValidationFraction { get; init; } = 0.2;

    [CommandOption("--val <FILE>")]
    [Description("Validate on whole files instead (repeatable); they are never trained on.")]
    public string[] ValidationFiles { get; init; } = [];

    [CommandOption("--val-windows <N>")]
    [Description("Validation windows scored per epoch (a fixed random sample of the held-out data; 0 = all of it).")]
    [DefaultValue(64)]
    public int ValidationWindows { get; init; } = 64;

    [CommandOption("--calibration-voxels <N>")]
    [Description("After training, validation voxels run through sliding-window inference (as `cremi generate` does) to choose the model's threshold; 0 keeps the best epoch's threshold.")]
    [DefaultValue(8L << 20)]
    public long CalibrationVoxels { get; init; } = 8L << 20;

    [CommandOption("--patience <EPOCHS>")]
    [Description("Stop after this many epochs without a better validation F1 (0 = never), once the learning rate is half-way down its decay (before that, validation scores swing with the high rate).")]
    [DefaultValue(5)]
    public int Patience { get; init; } = 5;

    [CommandOption("--preprocess <SPEC>")]
    [Description("Preprocessing, e.g. 'robust' (default for unet: per-section median and 5-95 % range), 'seed' (the Python tool's, default for --arch seed), 'clahe:2:8,minmax'. Stored in the model.")]
    public string? Preprocess { get; init; }

    /// <summary>
    /// The preprocessing to train with. Unset: 'seed' for the Python tool's network (its weights expect it), else
    /// 'robust', whose per-section statistics do not move with missing sections (a whole-volume mean/std cost a
    /// model 0.3 of test F1 between two volumes that differed only in black sections; see RobustNormalization).
    /// </summary>
    public string PreprocessSpec => Preprocess ?? (Arch == "seed" ? "seed" : "robust");

    [CommandOption("--seed <N>")]
    [DefaultValue(1)]
    public int Seed { get; init; } = 1;

    [CommandOption("--device <DEVICE>")]
    [Description("auto (CUDA when available), cpu, cuda or cuda:N.")]
    [DefaultValue("auto")]
    public string Device { get; init; } = "auto";

    [CommandOption("--precision <P>")]
    [Description("Number format of the training passes: auto (fp32 for now: bf16 was measured slower on an H100 and on this CPU), fp32 (TF32 convolutions on CUDA), or bf16 (a bfloat16 copy of the network after a check of the device's bf16 kernels; weights, optimizer and saved files stay float32).")]
    [DefaultValue("auto")]
    public string Precision { get; init; } = "auto";

    [CommandOption("--resume <CHECKPOINT>")]
    [Description("Continue a run from its checkpoint.ckpt (model, optimizer, step).")]
    public string? Resume { get; init; }

    [CommandOption("--init-from <PTH>")]
    [Description("Start from a PyTorch state_dict (.pth) of the same architecture, e.g. the Python tool's weights with --arch seed.")]
    public string? InitFrom { get; init; }

    [CommandOption("--export-pth <PTH>")]
    [Description("Also write the best model as a PyTorch state_dict.")]
    public string? ExportPth { get; init; }

    public override ValidationResult Validate() =>
        Data.Length == 0 ? ValidationResult.Error("at least one DATA file is required")
        : Arch is not ("unet" or "seed") ? ValidationResult.Error($"--arch must be unet or seed, not '{Arch}'")
        : Target is not ("binary" or "distance") ? ValidationResult.Error($"--target must be binary or distance, not '{Target}'")
        : !TrainingPrecisions.TryParse(Precision, out _) ? ValidationResult.Error(TrainingPrecisions.Problem(Precision))
        : ValidationResult.Success();

    /// <summary>The network; unset shape options are planned from <paramref name="resolution"/> (<see cref="NetworkPlan"/>).</summary>
    public ModelSpec ModelSpec(VoxelSize resolution)
    {
        if (Arch == "seed") return Learning.Models.ModelSpec.Seed(Filters ?? 64).Validated();
        var norm = Enum.TryParse<NormKind>(Norm, ignoreCase: true, out var n)
            ? n : throw new FormatException($"--norm must be batch, group, instance or none, not '{Norm}'");
        return (Learning.Models.ModelSpec.Unet(Filters ?? DefaultFilters(Device), Depth, InPlaneLevels ?? NetworkPlan.InPlaneLevels(resolution, Depth), norm) with { Dropout = Dropout }).Validated();
    }

    /// <summary>
    /// Base filters of the unet when none are given. In 15 minutes on a 2-core CPU the 8-filter net (0.72 s a step,
    /// ~1,250 steps) reached test F1 0.78 / 0.74 on two held-out volumes, the 16-filter net with the earlier defaults
    /// (1.3 s a step, 675 steps) 0.72 / 0.68; on a GPU the 16-filter net with batch 8 is the better one.
    /// </summary>
    private static int DefaultFilters(string device) =>
        ComputeDevice.Resolve(device).type == TorchSharp.DeviceType.CUDA ? 16 : 8;

    /// <summary>
    /// Batch size when none is given. On an H200, 900 steps of the f16 net on 16x128x128 windows reached test F1 0.83
    /// with batch 8 against 0.38 with batch 2, for 0.043 s a step; on a 2-core CPU batch 8 would cost ~4x the time of
    /// a step, so 2 keeps the step count up there.
    /// </summary>
    private static int DefaultBatch(string device) =>
        ComputeDevice.Resolve(device).type == TorchSharp.DeviceType.CUDA ? 8 : 2;

    /// <summary>
    /// The loop's options; an unset window is planned from <paramref name="resolution"/> and no deeper than
    /// <paramref name="thinnest"/>, the part trained on of the thinnest training volume (<see cref="NetworkPlan.Window"/>).
    /// </summary>
    public TrainingOptions TrainingOptions(ModelSpec spec, VoxelSize resolution, Shape3? thinnest = null) => new()
    {
        Window = Window is { } window ? Shape3.Parse(window) : NetworkPlan.Window(resolution, spec.RequiredMultiple, thinnest),
        BatchSize = Batch ?? DefaultBatch(Device),
        Epochs = Epochs ?? (TimeBudgetMinutes is null ? Learning.Training.TrainingOptions.DefaultEpochs : Learning.Training.TrainingOptions.EpochsUntilBudget),
        StepsPerEpoch = StepsPerEpoch,
        TimeBudget = TimeBudgetMinutes is { } m ? TimeSpan.FromMinutes(m) : null,
        LearningRate = LearningRate,
        WeightDecay = WeightDecay,
        Target = Target == "distance" ? TargetKind.Distance : TargetKind.Binary,
        Loss = LossSpec.Parse(Loss, PosWeight),
        Augmentation = AugmentationOptions.Parse(Augment),
        RejectEmptyProbability = RejectEmpty,
        WeightAverageDecay = Ema,
        Patience = Patience,
        ValidationWindows = ValidationWindows,
        CalibrationVoxels = CalibrationVoxels,
        Seed = Seed,
        Device = Device,
        Precision = TrainingPrecisions.Parse(Precision),
    };
}
