using System.Diagnostics;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Learning.Training;
using Cremi.Viewer;
using Cremi.Worker.Cli;
using Cremi.Worker.Commands;
using Cremi.Worker.Workflows;
using Microsoft.Extensions.Logging;

namespace Cremi.Worker.Service;

/// <summary>
/// What each kind of job does, through the same workflows as the CLI verbs, writing its outputs into a staging
/// folder: generate → mask.hdf, section.png, metrics.json; test → the same with the evaluation in metrics.json;
/// train → model.cremi, metrics.json, history.csv, loss.png (checkpoints stay in the work folder, for resuming).
/// A generate or test job journals its finished blocks in work/&lt;id&gt;/blocks/ and resumes after the last one; a
/// block-wise one (work/&lt;id&gt;/grid/, see <see cref="BlockwiseJobs"/>) is assembled from its blocks' cores instead.
/// </summary>
public sealed partial class JobWork(JobStore store, BlockwiseJobs blockwise, WorkerTelemetry telemetry, ILogger<JobWork> log)
{
    public const string MaskName = "mask.hdf";
    public const string SectionName = "section.png";
    public const string MetricsName = "metrics.json";
    public const string JournalFolder = "blocks";

    public void Run(JobRecord job, string staging, CancellationToken cancellationToken)
    {
        if (job.Kind == JobKind.Train) Train(job, staging, cancellationToken);
        else Generate(job, staging, evaluate: job.Kind == JobKind.Test, cancellationToken);
    }

    private void Generate(JobRecord job, string staging, bool evaluate, CancellationToken cancellationToken)
    {
        var mask = Path.Combine(staging, MaskName);
        var settings = JobSettings.Generate(job, mask);
        GenerationResult result;
        GenerationSetup setup;
        using (WorkerTelemetry.Source.StartActivity("load")) setup = GenerationSetup.Open(settings, mask);
        if (setup.ResolutionWarning is { } warning) LogResolutionDiffers(log, job.Id, job.Source, warning);
        if (setup.ResampleNote is { } note) LogResampled(log, job.Id, job.Source, note);
        ScoreJournal? journal = null;
        var grid = blockwise.Folder(job.Id);
        using (setup)
        {
            if (grid.HasPlan)
                using (WorkerTelemetry.Source.StartActivity("assemble"))
                    result = BlockwiseGeneration.Assemble(setup.Data, setup.Request, grid.ReadPlan(), grid, cancellationToken);
            else
            {
                // Finished blocks are journalled in the work folder, which survives a stop or a kill (staging does not).
                journal = new ScoreJournal(Path.Combine(store.Folder(job.Id), JournalFolder), setup.Identity());
                result = Infer(job, setup, journal, cancellationToken);
            }
        }
        using (WorkerTelemetry.Source.StartActivity("render")) RenderSection(job.Inputs[0], mask, Path.Combine(staging, SectionName));

        Dictionary<string, object> metrics;
        // A test job's data carries labels, so the metrics then hold the evaluation; a generate job's data may too.
        using (WorkerTelemetry.Source.StartActivity(evaluate ? "evaluate" : "metrics"))
            metrics = GenerationMetrics.Build(job.Inputs[0], settings.Model, mask, result);
        metrics["job"] = job.Id;
        metrics["input"] = job.Source;
        if (evaluate && !metrics.ContainsKey("evaluation"))
            throw new InvalidDataException($"{job.Source}: a test job needs cleft labels (volumes/labels/clefts) in its data file");
        using (WorkerTelemetry.Source.StartActivity("write")) JsonFiles.Write(Path.Combine(staging, MetricsName), metrics);
        journal?.Delete(); // every output is in staging now; a crash from here on redoes the job from block 0
    }

    /// <summary>After the outputs are published: a block-wise job's cores (one byte per voxel of the volume) go.</summary>
    public void Published(JobRecord job) => blockwise.Folder(job.Id).Delete();

    private GenerationResult Infer(JobRecord job, GenerationSetup setup, ScoreJournal journal, CancellationToken cancellationToken)
    {
        using var infer = WorkerTelemetry.Source.StartActivity("infer");
        var total = setup.WindowCount;
        long done = 0, nextEvent = 0;
        infer?.SetTag("cremi.windows", total);
        infer?.SetTag("cremi.shape", setup.Data.Shape.ToString());
        var blockStart = DateTimeOffset.UtcNow;
        var result = setup.Run(new GenerationHooks
        {
            Journal = journal,
            Starting = (resumed, blocks, why) =>
            {
                if (why is not null) LogJournalDiscarded(log, job.Id, why);
                infer?.SetTag("cremi.blocks", blocks);
                infer?.SetTag("cremi.blocks_resumed", resumed);
                LogBlocks(log, job.Id, resumed, blocks, blocks - resumed);
                blockStart = DateTimeOffset.UtcNow;
            },
            // One event per tenth of the windows: enough to see progress and rate without flooding the trace.
            WindowsDone = n =>
            {
                done += n;
                if (done < nextEvent) return;
                nextEvent = done + Math.Max(1, total / 10);
                infer?.AddEvent(new ActivityEvent("windows", tags: new ActivityTagsCollection { ["done"] = done, ["total"] = total }));
            },
            // A span per block, made when it is finished (and journalled), with the block's real start time.
            BlockDone = block =>
            {
                using (var span = WorkerTelemetry.Source.StartActivity($"block {block.Index}", ActivityKind.Internal, default(ActivityContext),
                           startTime: blockStart))
                {
                    span?.SetTag("cremi.block", block.Index);
                    span?.SetTag("cremi.sections", $"{block.Z0}..{block.Z1}");
                }
                blockStart = block.At;
                LogBlockDone(log, job.Id, block.Index, block.Count, block.Z0, block.Z1);
            },
        }, cancellationToken);
        var rate = result.Shape.Count / Math.Max(1e-9, result.PredictSeconds);
        infer?.SetTag("cremi.voxels_per_second", rate);
        telemetry.VoxelsPerSecond.Record(rate, new KeyValuePair<string, object?>("kind", job.Kind.ToString().ToLowerInvariant()));
        return result;
    }

    /// <summary>The section with the most predicted clefts: raw, true clefts (green) and predicted ones (magenta).</summary>
    private static void RenderSection(string dataPath, string maskPath, string pngPath)
    {
        using var data = CremiFile.Open(dataPath);
        using var mask = CremiFile.Open(maskPath);
        var z = SectionChooser.MostClefts(mask);
        var section = new Shape3(1, data.Shape.Y, data.Shape.X);
        var png = SectionRenderer.RenderPng(data.ReadRaw(z, 0, 0, section), 0,
            data.HasClefts ? data.ReadClefts(z, 0, 0, section) : null, mask.ReadClefts(z, 0, 0, section), new SectionRenderOptions());
        OutputFile.WriteAllBytes(pngPath, png);
    }

    private void Train(JobRecord job, string staging, CancellationToken cancellationToken)
    {
        // Checkpoints live in the work folder, not in staging: they must survive a stop to be resumed from.
        var runFolder = Path.Combine(store.Folder(job.Id), "train");
        var checkpoint = Path.Combine(runFolder, Trainer.CheckpointName);
        var resume = File.Exists(checkpoint) ? checkpoint : null;
        var run = TrainingRun.Check(JobSettings.Train(job, runFolder, resume));
        foreach (var note in run.ResampleNotes) LogResampled(log, job.Id, job.Source, note);
        using (var load = WorkerTelemetry.Source.StartActivity("load+preprocess"))
        {
            load?.SetTag("cremi.preprocessing", run.Preprocessing.ToString());
            run.Load();
        }
        var result = run.Run(new JobTrainingObserver(job.Id, resume is not null, telemetry, log), cancellationToken);
        using (WorkerTelemetry.Source.StartActivity("write"))
            foreach (var name in new[] { Trainer.BestModelName, MetricsName, "history.csv", "loss.png" })
                if (File.Exists(Path.Combine(runFolder, name)))
                    File.Copy(Path.Combine(runFolder, name), Path.Combine(staging, name));
        LogTrained(log, job.Id, result.Steps, result.BestF1, result.StopReason);
    }

    [LoggerMessage(LogLevel.Information, "job {JobId}: {Resumed} of {Blocks} blocks taken from the journal, {Left} to compute")]
    private static partial void LogBlocks(ILogger logger, string jobId, int resumed, int blocks, int left);

    [LoggerMessage(LogLevel.Information, "job {JobId}: block {Index} of {Count} done (sections {Z0}..{Z1})")]
    private static partial void LogBlockDone(ILogger logger, string jobId, int index, int count, int z0, int z1);

    [LoggerMessage(LogLevel.Warning, "job {JobId}: {Source}: {Warning}")]
    private static partial void LogResolutionDiffers(ILogger logger, string jobId, string source, string warning);

    [LoggerMessage(LogLevel.Information, "job {JobId}: {Source}: {Note}")]
    private static partial void LogResampled(ILogger logger, string jobId, string source, string note);

    [LoggerMessage(LogLevel.Warning, "job {JobId}: journal not used, starting from the first block: {Why}")]
    private static partial void LogJournalDiscarded(ILogger logger, string jobId, string why);

    [LoggerMessage(LogLevel.Information, "job {JobId}: trained {Steps} steps, best validation F1 {F1:F3} ({Reason})")]
    private static partial void LogTrained(ILogger logger, string jobId, long steps, double f1, string reason);
}
