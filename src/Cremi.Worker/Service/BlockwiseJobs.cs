using Cremi.Hdf5;
using Cremi.Worker.Workflows;
using Microsoft.Extensions.Options;

namespace Cremi.Worker.Service;

/// <summary>
/// Which jobs are block-wise and what is queued for them. A job is block-wise once work/&lt;id&gt;/grid/plan.json
/// exists (written once, before any block is queued), whatever Worker:BlockVoxels says later or on another node.
/// Every step is idempotent and looks at the shared folder, never at memory, so any node may run any step again
/// after a crash: queuing skips blocks whose core file exists, and the assembly is queued once every core exists.
/// </summary>
public sealed class BlockwiseJobs(JobStore store, JobQueue queue, IOptions<WorkerOptions> options)
{
    public const string FolderName = "grid";

    public BlockFolder Folder(string id) => new(Path.Combine(store.Folder(id), FolderName));

    /// <summary>
    /// The job's plan, made now if its volume is above Worker:BlockVoxels, with its missing blocks queued (or the
    /// assembly, when none is missing); null for a job that runs whole.
    /// </summary>
    public async Task<BlockPlan?> SplitAsync(JobRecord job, CancellationToken cancellationToken)
    {
        if (job.Kind == JobKind.Train) return null;
        var folder = Folder(job.Id);
        if (!folder.HasPlan)
        {
            using (var data = CremiFile.Open(job.Inputs[0]))
                if (data.Shape.Count <= options.Value.BlockVoxels) return null; // the common case decided without loading the model
            // The window grid depends on the model's window and the job's options: the same setup a block run opens.
            var mask = Path.Combine(folder.Folder, JobWork.MaskName); // not written: a plan needs the request, not an output
            using var setup = GenerationSetup.Open(JobSettings.Generate(job, mask), mask);
            if (BlockwiseGeneration.Plan(setup.Data.Shape, setup.Request, options.Value.BlockVoxels) is not { } plan) return null;
            folder.Fix(plan with { Producer = setup.BlockProducer() });
        }
        var fixedPlan = folder.ReadPlan();
        await QueueAsync(job.Id, fixedPlan, cancellationToken);
        return fixedPlan;
    }

    /// <summary>Queues the blocks without a core file, or the assembly when every block has one.</summary>
    public async Task QueueAsync(string id, BlockPlan plan, CancellationToken cancellationToken)
    {
        var missing = Folder(id).Missing(plan);
        if (missing.Count == 0) await queue.EnqueueAssemblyAsync(id, cancellationToken);
        foreach (var block in missing) await queue.EnqueueBlockAsync(id, block.Index, cancellationToken);
    }

    /// <summary>True while a block or the assembly of job <paramref name="id"/> is queued or running somewhere.</summary>
    public async Task<bool> IsQueuedAsync(string id, CancellationToken cancellationToken)
    {
        var folder = Folder(id);
        return folder.HasPlan && await queue.IsAnyPartQueuedAsync(id, folder.ReadPlan().Blocks.Count, cancellationToken);
    }
}
