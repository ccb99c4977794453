using System.Text.Json;
using Cremi.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>Where a run stands: enough to resume it exactly where it stopped (model, optimizer, step, history).</summary>
public sealed record CheckpointState
{
    public required ModelSpec Spec { get; init; }
    public required TrainingOptions Options { get; init; }
    public required string Preprocessing { get; init; }
    public long Step { get; init; }
    public int Epoch { get; init; }
    public double BestF1 { get; init; } = -1;
    public double BestLoss { get; init; } = double.MaxValue;
    public double BestThreshold { get; init; } = 0.5;
    public int EpochsSinceBest { get; init; }

    /// <summary>Whether the best model so far comes from an epoch past <see cref="TrainingOptions.SettledAfterDecay"/>.</summary>
    public bool BestIsSettled { get; init; }
    public List<EpochRecord> History { get; init; } = [];
}

/// <summary>Checkpoint files: a zip of state.json, model.bin, adamw.bin and (when averaging) average.bin, written atomically.</summary>
public static class Checkpoint
{
    private const string OptimizerEntry = "adamw.bin";
    private const string AverageEntry = "average.bin";

    public static void Save(string path, CheckpointState state, nn.Module module, AdamW optimizer, WeightAverage? average = null) =>
        ZipContainer.WriteAtomically(path, zip =>
        {
            ZipContainer.WriteText(zip, "state.json", JsonSerializer.Serialize(state, TrainingJson.Options));
            ZipContainer.WriteBinary(zip, "model.bin", writer => module.save(writer));
            ZipContainer.WriteBinary(zip, OptimizerEntry, optimizer.Save);
            if (average is not null) ZipContainer.WriteBinary(zip, AverageEntry, writer => average.Model.save(writer));
        });

    public static CheckpointState ReadState(string path)
    {
        using var zip = ZipContainer.Open(path, "cremi checkpoint");
        return Parse(path, ZipContainer.ReadText(zip, path, "state.json"));
    }

    /// <summary>
    /// Restores weights, optimizer moments and the weight average into modules already built from the stored spec.
    /// A checkpoint without an average (written before averaging was on) starts the average from the weights.
    /// </summary>
    public static void Restore(string path, nn.Module<Tensor, Tensor> module, AdamW optimizer, WeightAverage? average = null)
    {
        using var zip = ZipContainer.Open(path, "cremi checkpoint");
        try
        {
            using (var reader = ZipContainer.ReadBinary(zip, path, "model.bin")) module.load(reader);
            if (zip.GetEntry(OptimizerEntry) is null && zip.GetEntry("optimizer.bin") is not null)
                throw new ModelFileException(path, "checkpoint of an older cremi (TorchSharp's AdamW state): finish that run with " +
                    "the version that wrote it, or start again with --init-from on its exported .pth");
            using (var reader = ZipContainer.ReadBinary(zip, path, OptimizerEntry)) optimizer.Load(reader);
            if (average is null) return;
            if (zip.GetEntry(AverageEntry) is null) average.CopyFrom(module);
            else using (var reader = ZipContainer.ReadBinary(zip, path, AverageEntry)) average.Model.load(reader);
        }
        catch (Exception error) when (error is not ModelFileException)
        {
            throw new ModelFileException(path, $"cannot restore the checkpoint ({error.Message})", error);
        }
    }

    private static CheckpointState Parse(string path, string json)
    {
        try
        {
            return JsonSerializer.Deserialize<CheckpointState>(json, TrainingJson.Options) ?? throw new JsonException("empty state");
        }
        catch (JsonException error)
        {
            throw new ModelFileException(path, $"state.json is not a valid checkpoint state ({error.Message})", error);
        }
    }
}
