using Cremi.Core.Augmentation;
using Cremi.Core.Training;
using Cremi.Core.Volumes;
using Cremi.Learning.Models;
using Cremi.Learning.Training;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cremi-train-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    /// <summary>
    /// A volume where clefts are bright bars on a noisy dark background: trivially learnable, so a few steps
    /// must lower the loss and find them.
    /// </summary>
    /// <param name="everySection">Bars start at every section in turn, so any two consecutive sections hold a cleft.</param>
    internal static TrainingVolume Bars(string name, Shape3 shape, int seed, bool everySection = false)
    {
        var random = new Random(seed);
        var image = new Volume<float>(shape, VoxelSize.Cremi);
        var classes = new Volume<byte>(shape, VoxelSize.Cremi);
        for (var i = 0; i < image.Data.Length; i++) image.Data[i] = (float)(random.NextDouble() * 0.3);
        var count = everySection ? Math.Max(shape.Y / 8, shape.Z - 1) : shape.Y / 8;
        for (var bar = 0; bar < count; bar++)
        {
            int z0 = everySection ? bar % (shape.Z - 1) : random.Next(shape.Z - 2), y = random.Next(2, shape.Y - 2), x0 = random.Next(shape.X - 12);
            for (var z = z0; z < z0 + 2; z++)
            for (var dy = 0; dy < 2; dy++)
            for (var x = x0; x < x0 + 12; x++)
            {
                image[z, y + dy, x] = 0.8f + (float)random.NextDouble() * 0.2f;
                classes[z, y + dy, x] = VoxelClass.Cleft;
            }
        }
        return new TrainingVolume(name, image, classes);
    }

    internal static TrainingOptions SmallRun(int epochs) => new()
    {
        Window = new Shape3(4, 32, 32), BatchSize = 2, Epochs = epochs, StepsPerEpoch = 30, LearningRate = 3e-3,
        WarmupSteps = 2, Augmentation = AugmentationOptions.None, RejectEmptyProbability = 0.5, Patience = 0, Device = "cpu",
    };

    private static ModelSpec SmallNet() => ModelSpec.Unet(filters: 4, depth: 2, inPlaneLevels: 1, norm: NormKind.Group) with { Groups = 2 };

    [Fact]
    public void A_short_run_lowers_the_loss_finds_the_clefts_and_writes_its_files()
    {
        var train = new[] { Bars("a", new Shape3(8, 64, 64), 1) };
        var validation = new[] { Bars("b", new Shape3(4, 64, 64), 2) };
        var result = new Trainer().Run(train, validation, SmallNet(), SmallRun(epochs: 4), "minmax", _folder);

        Assert.Equal(120, result.Steps);
        Assert.Equal(4, result.History.Count);
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss, "training loss must fall");
        Assert.True(result.BestF1 > 0.5, $"validation F1 {result.BestF1:F3} on trivially separable clefts");
        foreach (var name in new[] { "model.cremi", "checkpoint.ckpt", "history.csv", "metrics.json" })
            Assert.True(File.Exists(Path.Combine(_folder, name)), name);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(_folder, "history.csv")).Length);

        var (description, model) = ModelFile.Load(result.BestModelPath, CPU);
        using (model)
        {
            Assert.Equal("minmax", description.Preprocessing);
            Assert.Equal(new Shape3(4, 32, 32), description.Window);
            Assert.Equal(result.BestThreshold, description.Threshold);
        }
    }

    [Fact]
    public void Early_stopping_waits_until_the_learning_rate_is_half_way_down()
    {
        // A rate too small to move a float32 weight: every validation scores the same, so none is better than the first
        // and patience 1 is used up from the second epoch on. 10 epochs of 3 steps (warm-up 2): the decay is half done
        // after step 16, so epoch 6 (step 18) is the first settled one and takes over as the best model although it
        // scores no better, and the run ends one epoch later (patience 1), at epoch 7, not at epoch 2.
        var train = new[] { Bars("a", new Shape3(8, 64, 64), 1) };
        var validation = new[] { Bars("b", new Shape3(4, 64, 64), 2) };
        var options = SmallRun(epochs: 10) with { StepsPerEpoch = 3, LearningRate = 1e-12, Patience = 1 };
        var result = new Trainer().Run(train, validation, SmallNet(), options, "minmax", _folder);

        Assert.Contains("early stop", result.StopReason);
        Assert.Equal(7, result.History.Count);
        Assert.Equal(21, result.Steps);
        Assert.All(result.History.Skip(1), e => Assert.Equal(result.History[0].BestF1, e.BestF1));
        Assert.True(LearningRateSchedule.DecayProgress(15, 30, 2) < TrainingOptions.SettledAfterDecay);
        Assert.True(LearningRateSchedule.DecayProgress(18, 30, 2) >= TrainingOptions.SettledAfterDecay);
        var (saved, model) = ModelFile.Load(result.BestModelPath, CPU);
        using (model) Assert.Equal("6", saved.Training["epoch"]);
    }

    /// <summary>
    /// The shipped threshold is chosen on sliding-window scores of the validation data: thresholding those scores at it
    /// gives the reported F1 (counted here by hand), and no other threshold does better.
    /// </summary>
    [Fact]
    public void The_shipped_threshold_is_the_best_one_on_generated_validation_scores()
    {
        var train = new[] { Bars("a", new Shape3(8, 64, 64), 1) };
        var validation = new[] { Bars("b", new Shape3(6, 64, 64), 2) };
        var result = new Trainer().Run(train, validation, SmallNet(), SmallRun(epochs: 2), "minmax", _folder);

        var calibration = Assert.IsType<Calibration>(result.Calibration);
        Assert.Equal(6L * 64 * 64, calibration.Voxels);
        Assert.Equal((calibration.Threshold, calibration.F1), (result.BestThreshold, result.BestF1));
        var (description, model) = ModelFile.Load(result.BestModelPath, CPU);
        using (model)
        {
            Assert.Equal(calibration.Threshold, description.Threshold);
            Assert.Equal("sliding-window inference over the validation data", description.Training["threshold_source"]);
            var scores = new Cremi.Learning.Inference.SlidingWindowPredictor(
                new Cremi.Learning.Inference.WindowModel(model, description.Spec.OutputsLogits, description.Target, CPU),
                new Cremi.Learning.Inference.SlidingWindowOptions { Window = description.Window }).Predict(validation[0].Image).Data;
            double F1At(double threshold)
            {
                long tp = 0, fp = 0, fn = 0;
                for (var i = 0; i < scores.Length; i++)
                {
                    bool predicted = scores[i] >= threshold, cleft = validation[0].Classes.Data[i] == VoxelClass.Cleft;
                    if (predicted && cleft) tp++; else if (predicted) fp++; else if (cleft) fn++;
                }
                return 2.0 * tp / (2 * tp + fp + fn);
            }
            Assert.Equal(calibration.F1, F1At(calibration.Threshold), 6);
            foreach (var other in new[] { 0.1, 0.3, 0.5, 0.7, 0.9, calibration.Threshold - 1.0 / 256, calibration.Threshold + 1.0 / 256 })
                Assert.True(F1At(other) <= calibration.F1 + 1e-9, $"threshold {other:F3} gives F1 {F1At(other):F4} > {calibration.F1:F4}");
        }
        var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "metrics.json"))).RootElement;
        Assert.Equal(calibration.Threshold, metrics.GetProperty("best_threshold").GetDouble());
        Assert.Equal(calibration.Voxels, metrics.GetProperty("calibration").GetProperty("voxels").GetInt64());
        Assert.Equal(calibration.Warning, metrics.GetProperty("calibration").GetProperty("warning").GetString());
        // The recipe, in the CLI's notation, in metrics.json and in the model file.
        var options = SmallRun(epochs: 2);
        var recipe = metrics.GetProperty("recipe");
        Assert.Equal(options.Loss.ToString(), recipe.GetProperty("loss").GetString());
        Assert.Equal(options.Augmentation.ToString(), recipe.GetProperty("augment").GetString());
        Assert.Equal($"{options.Window.Z},{options.Window.Y},{options.Window.X}", recipe.GetProperty("window").GetString());
        Assert.Equal(options.Seed.ToString(), recipe.GetProperty("seed").GetString());
        var (saved, savedModel) = ModelFile.Load(result.BestModelPath, CPU);
        using (savedModel)
            Assert.Equal(options.Loss.ToString(), saved.Training["recipe.loss"]);
    }

    [Fact]
    public void A_resumed_run_continues_from_the_checkpoint_step()
    {
        var train = new[] { Bars("a", new Shape3(8, 64, 64), 1) };
        var validation = new[] { Bars("b", new Shape3(4, 64, 64), 2) };
        new Trainer().Run(train, validation, SmallNet(), SmallRun(epochs: 1), "minmax", _folder);
        var checkpoint = Path.Combine(_folder, Trainer.CheckpointName);
        Assert.Equal(30, Checkpoint.ReadState(checkpoint).Step);

        var resumed = new Trainer().Run(train, validation, SmallNet(), SmallRun(epochs: 2), "minmax", _folder, resumeFrom: checkpoint);
        Assert.Equal(60, resumed.Steps);
        Assert.Equal(2, resumed.History.Count);
        Assert.Equal(60, Checkpoint.ReadState(checkpoint).Step);
    }

    [Fact]
    public void A_run_stopped_by_its_time_budget_validates_its_last_steps_as_a_final_epoch()
    {
        var train = new[] { Bars("a", new Shape3(8, 64, 64), 1) };
        var options = SmallRun(epochs: 100) with { StepsPerEpoch = 100_000, TimeBudget = TimeSpan.FromSeconds(3), CalibrationVoxels = 0 };
        var result = new Trainer().Run(train, train, SmallNet(), options, "minmax", _folder);

        Assert.Equal("time budget reached", result.StopReason);
        Assert.InRange(result.Steps, 1, 99_999);
        var last = Assert.Single(result.History);
        Assert.Equal(result.Steps, last.Step);
        Assert.Equal(result.Steps, Checkpoint.ReadState(Path.Combine(_folder, Trainer.CheckpointName)).Step);
        var (description, model) = ModelFile.Load(result.BestModelPath, CPU);
        using (model) Assert.Equal(result.Steps.ToString(), description.Training["step"]);
    }

    [Fact]
    public void A_time_budget_covers_the_last_validation_and_the_calibration_too()
    {
        // A validation volume whose calibration (sliding windows at 50 % overlap: 1,521 windows, about 5 s here) takes a
        // good share of the budget: the steps must stop early enough for it to end within the budget (without that,
        // 14.0 s of a 12 s budget with a calibration of 1.9 s). On a machine that slows down after the estimate (CI runs
        // two test assemblies on 2 cores: a calibration of 14.5 s once), the calibration's deadline holds the budget.
        var budget = TimeSpan.FromSeconds(15);
        var (result, transcript) = RunWithBudget(Bars("b", new Shape3(20, 224, 224), 2), budget);

        Assert.Equal("time budget reached", result.StopReason);
        Assert.True(result.Calibration is not null, $"no calibration:\n{transcript}");
        var calibration = result.Calibration!;
        Assert.True(calibration.Elapsed > budget * 0.15, $"the calibration took only {calibration.Elapsed.TotalSeconds:F1} s: too short to test the budget with");
        Assert.True(result.Elapsed <= budget * 1.1, $"the run took {result.Elapsed.TotalSeconds:F1} s of a {budget.TotalSeconds} s budget (calibration {calibration.Elapsed.TotalSeconds:F1} s):\n{transcript}");
    }

    [Fact]
    public void A_calibration_longer_than_the_budget_allows_ends_at_the_budget_with_the_sections_it_finished()
    {
        // 3,211 calibration windows (about 10 s here) against a reserve of at most half of a 15 s budget; a cleft in every
        // pair of sections, so that the sections finished by the deadline (those of a window z-start, 0.5 s, at least) hold some.
        var validation = Bars("b", new Shape3(40, 224, 224), 2, everySection: true);
        var budget = TimeSpan.FromSeconds(15);
        var (result, transcript) = RunWithBudget(validation, budget);

        Assert.True(result.Calibration is not null, $"no calibration:\n{transcript}");
        var calibration = result.Calibration!;
        Assert.False(calibration.Complete);
        Assert.InRange(calibration.Voxels, 224 * 224, calibration.PlannedVoxels - 1);
        Assert.Equal(validation.Shape.Count, calibration.PlannedVoxels);
        Assert.True(result.Elapsed <= budget * 1.1, $"the run took {result.Elapsed.TotalSeconds:F1} s of a {budget.TotalSeconds} s budget (calibration {calibration.Elapsed.TotalSeconds:F1} s):\n{transcript}");
        var (description, model) = ModelFile.Load(result.BestModelPath, CPU);
        using (model)
        {
            Assert.Equal(calibration.Threshold, description.Threshold);
            Assert.Equal(calibration.Voxels.ToString(), description.Training["calibration_voxels"]);
            Assert.Equal(calibration.PlannedVoxels.ToString(), description.Training["calibration_planned_voxels"]);
        }
    }

    /// <summary>A budgeted run of 15-step epochs with 32 validation windows each, validated on <paramref name="validation"/>.</summary>
    private (TrainingResult Result, Transcript Transcript) RunWithBudget(TrainingVolume validation, TimeSpan budget)
    {
        var train = new[] { Bars("a", new Shape3(8, 64, 64), 1) };
        var options = SmallRun(epochs: 100) with { StepsPerEpoch = 15, TimeBudget = budget, ValidationWindows = 32 };
        var transcript = new Transcript();
        return (new Trainer(transcript).Run(train, [validation], SmallNet(), options, "minmax", _folder), transcript);
    }

    [Fact]
    public void Cancelling_saves_a_checkpoint_before_giving_up()
    {
        var train = new[] { Bars("a", new Shape3(8, 64, 64), 1) };
        using var cancel = new CancellationTokenSource();
        var observer = new CancelAfter(5, cancel);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new Trainer(observer).Run(train, train, SmallNet(), SmallRun(epochs: 2), "minmax", _folder, cancellationToken: cancel.Token));
        Assert.Equal(5, Checkpoint.ReadState(Path.Combine(_folder, Trainer.CheckpointName)).Step);
    }

    /// <summary>What the trainer said, for failure messages.</summary>
    private sealed class Transcript : ITrainingObserver
    {
        private readonly List<string> _lines = [];
        public void OnEpoch(EpochRecord record, bool improved) => _lines.Add($"epoch {record.Epoch} at step {record.Step}, {record.Seconds:F1} s");
        public void OnMessage(string message) => _lines.Add(message);
        public override string ToString() => string.Join("\n", _lines);
    }

    private sealed class CancelAfter(int steps, CancellationTokenSource cancel) : ITrainingObserver
    {
        public void OnStep(long step, double loss, double learningRate)
        {
            if (step >= steps) cancel.Cancel();
        }
    }
}
