using System.Diagnostics;
using System.Text.Json;
using Cremi.Core.Training;
using Cremi.Learning.Devices;
using Cremi.Learning.Models;
using Cremi.Learning.Targets;
using Cremi.Learning.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// The training loop: AdamW with warm-up + cosine learning rate, gradient clipping, batches prepared on a background
/// thread, a validation at the end of every epoch that keeps the best model (by voxel F1 at its best threshold) and
/// stops early without progress, and a checkpoint after every epoch and on cancellation (Ctrl-C) so a run resumes
/// where it stopped. Output folder: model.cremi (best), checkpoint.ckpt (last), history.csv, metrics.json.
/// </summary>
public sealed class Trainer(ITrainingObserver? observer = null)
{
    public const string BestModelName = "model.cremi";
    public const string CheckpointName = "checkpoint.ckpt";
    private readonly ITrainingObserver _observer = observer ?? NullTrainingObserver.Instance;

    public TrainingResult Run(IReadOnlyList<TrainingVolume> train, IReadOnlyList<TrainingVolume> validation, ModelSpec spec,
        TrainingOptions options, string preprocessing, string outputFolder, string? resumeFrom = null, string? initFromPth = null,
        CancellationToken cancellationToken = default)
    {
        var problems = options.Problems();
        if (problems.Count > 0) throw new ArgumentException($"invalid training options: {string.Join("; ", problems)}");
        spec.Validated().ValidateWindow(options.Window);
        var bestPath = Path.Combine(outputFolder, BestModelName);
        var checkpointPath = Path.Combine(outputFolder, CheckpointName);

        var device = ComputeDevice.Resolve(options.Device);
        if (device.type == DeviceType.CUDA)
        {
            // float32 work (validation, calibration, --precision fp32) on TF32 tensor cores, PyTorch's default for convolutions.
            backends.cuda.matmul.allow_tf32 = true;
            backends.cudnn.allow_tf32 = true;
        }
        var state = resumeFrom is null
            ? new CheckpointState { Spec = spec, Options = options, Preprocessing = preprocessing }
            : Checkpoint.ReadState(resumeFrom);
        CpuGradientCheck.Require(state.Spec, device); // before any RNG use of the run (it draws its own random weights)
        var precision = TrainingPrecisions.Resolve(options.Precision, device);
        var precisionErrors = precision == TrainingPrecision.BFloat16 ? MixedPrecisionCheck.Require(state.Spec, device) : default;
        Directory.CreateDirectory(outputFolder); // and before any output: a refused run leaves nothing behind
        manual_seed(options.Seed + state.Step);
        using var model = state.Spec.Build();
        if (initFromPth is not null && resumeFrom is null) WeightFiles.LoadPyTorch(model, initFromPth);
        else if (resumeFrom is null) OutputPrior.Apply(model, options.Target);
        model.to(device);
        using var optimizer = new AdamW(model.parameters(), options.LearningRate, weightDecay: options.WeightDecay);
        using var average = options.WeightAverageDecay > 0
            ? new WeightAverage(state.Spec, model, device, options.WeightAverageDecay)
            : null;
        if (resumeFrom is not null) Checkpoint.Restore(resumeFrom, model, optimizer, average);
        var judged = average?.Model ?? model; // what is validated, saved and calibrated
        using var replica = precision == TrainingPrecision.BFloat16 ? new MixedPrecisionReplica(state.Spec, model, device) : null;

        var resolution = train[0].Image.Resolution;
        var distance = options.Target == TargetKind.Distance ? new DistanceTarget() : null;
        var objective = new TrainingObjective(options.Target, options.Loss, spec.OutputsLogits);
        var validator = new Validator(validation, options.Window, options.BatchSize, objective, options.Target, distance, device, options.ValidationWindows);
        var source = new WindowBatchSource(train, options.Window, options.Augmentation, options.RejectEmptyProbability,
            unchecked(options.Seed * 7919 + (int)state.Step));
        using var prefetcher = new BatchPrefetcher(source, options.BatchSize);

        var totalSteps = (long)options.Epochs * options.StepsPerEpoch;
        var warmup = (int)Math.Min(options.WarmupSteps, totalSteps / 10); // short runs must not spend themselves warming up
        var validationHasClefts = validation.Any(v => v.CountCleftVoxels() > 0);
        if (!validationHasClefts)
            _observer.OnMessage("the validation data holds no cleft voxel: the best model is chosen by validation loss; use --val FILE or a larger --val-fraction for F1-based selection");
        if (replica is not null)
            _observer.OnMessage($"mixed precision: bfloat16 passes, float32 weights (bfloat16 outputs within {precisionErrors.Forward:P1} and gradients within {precisionErrors.Gradient:P1} of float32's)");
        _observer.OnStart(state.Step, totalSteps, $"{ComputeDevice.Describe(device)}, {TrainingPrecisions.Name(precision)}", spec.ParameterCount(), options.TimeBudget);
        var clock = new TrainingClock(options.TimeBudget);
        // Calibration needs cleft voxels to maximise F1 on; its window count is part of the time budget's reserve.
        var calibrates = validationHasClefts && options.CalibrationVoxels > 0;
        var calibrationWindows = calibrates ? ThresholdCalibration.WindowCount(validation, options.Window, options.CalibrationVoxels) : 0;
        var epochClock = Stopwatch.StartNew();
        double lossSum = 0, lastLr = 0;
        var lossCount = 0;
        var stopReason = "completed all epochs";
        var budgetReached = false;
        var step = state.Step;

        // Validates the judged weights after stepsDone steps, records the epoch, saves the best model and a checkpoint;
        // true when early stopping ends the run.
        bool EndEpoch(long stepsDone)
        {
            var endClock = Stopwatch.StartNew();
            var result = validator.Run(judged, cancellationToken);
            var validationTime = endClock.Elapsed;
            var epoch = state.Epoch + 1;
            var record = new EpochRecord(epoch, stepsDone, lossSum / Math.Max(1, lossCount), lastLr, result.Loss, result.F1,
                result.Iou, result.BestThreshold, result.BestF1, epochClock.Elapsed.TotalSeconds);
            // At the high rates before the schedule is half-way down, validation F1 swings by ±0.05 from epoch to
            // epoch (a 30-minute run stopped at its 10th epoch, at 70 % of the peak rate, its best epoch the 5th), and a
            // run's best epochs come as the rate anneals. So a best from before half-way is provisional: the first epoch
            // past it takes over whatever its score (a 15-minute run otherwise shipped its epoch-4 model, picked at the
            // peak rate for a lucky 0.701 on the validation windows, and early stopping cut its anneal short), and
            // early stopping waits for it too.
            var decay = LearningRateSchedule.DecayProgress(stepsDone, totalSteps, warmup, clock.StepFraction);
            var settled = decay >= TrainingOptions.SettledAfterDecay;
            // Without a cleft in the validation data F1 says nothing (1.0 for predicting nothing): use the loss.
            var better = validationHasClefts ? result.BestF1 > state.BestF1 : result.Loss < state.BestLoss;
            var improved = better || (settled && !state.BestIsSettled);
            state = state with
            {
                Step = stepsDone, Epoch = epoch, History = [.. state.History, record],
                BestF1 = improved ? result.BestF1 : state.BestF1,
                BestLoss = improved ? result.Loss : state.BestLoss,
                BestThreshold = improved ? result.BestThreshold : state.BestThreshold,
                EpochsSinceBest = improved ? 0 : state.EpochsSinceBest + 1,
                BestIsSettled = improved ? settled : state.BestIsSettled,
            };
            if (improved) SaveModel(bestPath, state, judged, resolution, result);
            Checkpoint.Save(checkpointPath, state, model, optimizer, average);
            WriteHistory(outputFolder, state);
            _observer.OnEpoch(record, improved);
            clock.RecordEpochEnd(endClock.Elapsed, validationTime, validator.WindowCount, calibrationWindows);
            (lossSum, lossCount) = (0, 0);
            epochClock.Restart();
            return options.Patience > 0 && state.EpochsSinceBest >= options.Patience && settled;
        }

        try
        {
            for (; step < totalSteps; step++)
            {
                if (clock.StepsSpent)
                {
                    (stopReason, budgetReached) = ("time budget reached", true);
                    break;
                }
                cancellationToken.ThrowIfCancellationRequested();
                lastLr = LearningRateSchedule.At(step, totalSteps, options.LearningRate, warmup, options.MinLearningRateFactor, clock.StepFraction);
                optimizer.LearningRate = lastLr;

                var loss = TrainStep(model, replica, optimizer, objective, prefetcher.Next(cancellationToken), options, resolution, distance, device);
                average?.Update(model, step + 1);
                lossSum += loss;
                lossCount++;
                _observer.OnStep(step + 1, loss, lastLr);

                if ((step + 1) % options.StepsPerEpoch != 0) continue;
                if (EndEpoch(step + 1))
                {
                    stopReason = $"no better validation F1 for {options.Patience} epochs (early stop)";
                    step++;
                    break;
                }
            }
            // A run stopped by its time budget ends between validations. Its last steps, at the lowest learning rates
            // of the schedule, are often its best: validate them as a last, shorter epoch rather than dropping up to
            // an epoch of them (a run with a budget smaller than one epoch is then validated too).
            if (budgetReached && state.Step != step) EndEpoch(step);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or a service stop: keep the work done so far, then let the caller report the cancellation.
            Checkpoint.Save(checkpointPath, state with { Step = step }, model, optimizer, average);
            WriteHistory(outputFolder, state);
            _observer.OnMessage($"interrupted at step {step}: checkpoint saved to {checkpointPath}; resume with --resume");
            throw;
        }
        if (state.Step != step) Checkpoint.Save(checkpointPath, state with { Step = step }, model, optimizer, average);
        if (!File.Exists(bestPath))
        {
            // No epoch ended (a budget spent before the first step, or a resumed run with no steps left): validate once
            // and save, so a run always leaves a usable model.
            var result = validator.Run(judged, cancellationToken);
            state = state with { BestF1 = result.BestF1, BestThreshold = result.BestThreshold };
            SaveModel(bestPath, state, judged, resolution, result);
        }
        var calibration = calibrates
            ? Calibrate(bestPath, validation, device, options.CalibrationVoxels, clock, cancellationToken)
            : null;
        WriteHistory(outputFolder, state, calibration);
        return new TrainingResult(stopReason, step, calibration?.F1 ?? state.BestF1, calibration?.Threshold ?? state.BestThreshold, bestPath,
            checkpointPath, state.History, clock.Elapsed) { Calibration = calibration };
    }

    /// <summary>Re-chooses the best model's threshold on generated scores (<see cref="ThresholdCalibration"/>) and saves it in the model.</summary>
    private Calibration? Calibrate(string bestPath, IReadOnlyList<TrainingVolume> validation, Device device, long maxVoxels,
        TrainingClock clock, CancellationToken cancellationToken)
    {
        using var deadline = clock.CalibrationDeadline();
        var (description, module) = ModelFile.Load(bestPath, device);
        using (module)
        {
            var calibration = ThresholdCalibration.Run(module, description, validation, device, maxVoxels, deadline.Token, cancellationToken);
            if (calibration is null)
            {
                if (deadline.IsCancellationRequested)
                    _observer.OnMessage("the time budget ended the threshold calibration before it finished a cleft-holding section: " +
                                        "the model keeps the threshold of its validation windows");
                return null;
            }
            var training = new Dictionary<string, string>(description.Training)
            {
                ["threshold_source"] = "sliding-window inference over the validation data",
                ["calibration_f1"] = calibration.F1.ToString("R"),
                ["calibration_f1_at_0.5"] = calibration.F1AtHalf.ToString("R"),
                ["calibration_voxels"] = calibration.Voxels.ToString(),
                ["calibration_planned_voxels"] = calibration.PlannedVoxels.ToString(),
            };
            ModelFile.Save(bestPath, description with { Threshold = calibration.Threshold, Training = training }, module);
            _observer.OnMessage($"threshold {calibration.Threshold:F3} chosen on generated scores of {calibration.Voxels:N0} validation voxels " +
                                $"(voxel F1 {calibration.F1:F3}; {calibration.F1AtHalf:F3} at 0.5) in {calibration.Elapsed.TotalSeconds:F0} s" +
                                (calibration.Complete ? "" : $"; the time budget ended it before the {calibration.PlannedVoxels:N0} planned"));
            return calibration;
        }
    }

    /// <summary>One optimizer step; with a <paramref name="replica"/> the passes run in bfloat16 and the update in float32.</summary>
    private static double TrainStep(nn.Module<Tensor, Tensor> model, MixedPrecisionReplica? replica, AdamW optimizer, TrainingObjective objective,
        TrainingBatch batch, TrainingOptions options, Core.Volumes.VoxelSize resolution, DistanceTarget? distance, Device device)
    {
        using var scope = NewDisposeScope();
        model.train();
        var tensors = BatchTensors.From(batch, options.Target, resolution, distance, device);
        optimizer.ZeroGrad();
        var output = replica is null ? model.forward(tensors.Input) : replica.Forward(tensors.Input);
        var loss = objective.Loss(output, tensors);
        loss.backward();
        replica?.GradientsToMaster();
        if (options.GradientClipNorm > 0) nn.utils.clip_grad_norm_(model.parameters(), options.GradientClipNorm);
        optimizer.Step();
        var value = loss.item<float>();
        if (!float.IsFinite(value))
            throw new InvalidOperationException($"the training loss became {value}; lower the learning rate (--lr) or check the input data");
        return value;
    }

    private static void SaveModel(string path, CheckpointState state, nn.Module model, Core.Volumes.VoxelSize resolution, ValidationResult result) =>
        ModelFile.Save(path, new ModelDescription
        {
            Spec = state.Spec,
            Preprocessing = state.Preprocessing,
            Window = state.Options.Window,
            Target = state.Options.Target,
            Threshold = result.BestThreshold,
            TrainedResolution = resolution,
            // The recipe's keys are prefixed so they never collide with the run's own figures below.
            Training = new Dictionary<string, string>(state.Options.Recipe().Select(r => KeyValuePair.Create($"recipe.{r.Key}", r.Value)))
            {
                ["step"] = state.Step.ToString(),
                ["epoch"] = state.Epoch.ToString(),
                ["validation_f1_at_threshold"] = result.BestF1.ToString("R"),
                ["validation_f1_at_0.5"] = result.F1.ToString("R"),
                ["validation_voxels"] = result.Voxels.ToString(),
                ["saved_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            },
        }, model);

    // metrics.json is for scripts and dashboards: snake_case throughout, like history.csv's header.
    private static readonly JsonSerializerOptions MetricsJson = new(TrainingJson.Options) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static void WriteHistory(string folder, CheckpointState state, Calibration? calibration = null)
    {
        File.WriteAllText(Path.Combine(folder, "history.csv"), TrainingHistory.ToCsv(state.History));
        // best_f1 / best_threshold: what the saved model ships with (calibrated when a calibration ran);
        // the per-epoch window scores stay in last and history.csv.
        var metrics = new
        {
            steps = state.Step, epochs = state.Epoch, best_f1 = calibration?.F1 ?? state.BestF1,
            best_threshold = calibration?.Threshold ?? state.BestThreshold,
            best_window_f1 = state.BestF1,
            calibration = calibration is null ? null : new
            {
                threshold = calibration.Threshold, f1 = calibration.F1, f1_at_half = calibration.F1AtHalf, voxels = calibration.Voxels,
                planned_voxels = calibration.PlannedVoxels,
                seconds = calibration.Elapsed.TotalSeconds, warning = calibration.Warning,
            },
            last = state.History.LastOrDefault(),
            recipe = state.Options.Recipe(),
        };
        File.WriteAllText(Path.Combine(folder, "metrics.json"), JsonSerializer.Serialize(metrics, MetricsJson));
    }
}
