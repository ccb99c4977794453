using System.Text.Json;
using Cremi.Core.Volumes;
using Cremi.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// What `cremi generate DATA MODEL` needs and nothing else to ask the user: the network (architecture and
/// weights), the preprocessing it was trained with, the window, what it outputs and the threshold chosen on
/// validation data. Stored as a zip of model.json + weights.bin (TorchSharp's format).
/// </summary>
public sealed record ModelDescription
{
    public int FormatVersion { get; init; } = 1;
    public required ModelSpec Spec { get; init; }
    public required string Preprocessing { get; init; }
    public required Shape3 Window { get; init; }
    public TargetKind Target { get; init; } = TargetKind.Binary;

    /// <summary>Score threshold for "cleft" (probability for binary targets; (tanh+1)/2 for distance targets).</summary>
    public double Threshold { get; init; } = 0.5;
    public VoxelSize TrainedResolution { get; init; } = VoxelSize.Cremi;

    /// <summary>Free-form facts about the training run (steps, scores, data, tool version).</summary>
    public Dictionary<string, string> Training { get; init; } = new();
}

public static class ModelFile
{
    private const string DescriptionEntry = "model.json";
    private const string WeightsEntry = "weights.bin";

    public static void Save(string path, ModelDescription description, nn.Module module) =>
        ZipContainer.WriteAtomically(path, zip =>
        {
            ZipContainer.WriteText(zip, DescriptionEntry, JsonSerializer.Serialize(description, TrainingJson.Options));
            ZipContainer.WriteBinary(zip, WeightsEntry, writer => module.save(writer));
        });

    public static ModelDescription ReadDescription(string path)
    {
        using var zip = ZipContainer.Open(path, "cremi model file");
        return Describe(path, ZipContainer.ReadText(zip, path, DescriptionEntry));
    }

    /// <summary>Builds the network the file describes and loads its weights onto <paramref name="device"/>.</summary>
    public static (ModelDescription Description, nn.Module<Tensor, Tensor> Model) Load(string path, Device device)
    {
        using var zip = ZipContainer.Open(path, "cremi model file");
        var description = Describe(path, ZipContainer.ReadText(zip, path, DescriptionEntry));
        var model = description.Spec.Build();
        try
        {
            using var reader = ZipContainer.ReadBinary(zip, path, WeightsEntry);
            model.load(reader);
        }
        catch (Exception error) when (error is not ModelFileException)
        {
            model.Dispose();
            throw new ModelFileException(path, $"weights do not fit the described network ({error.Message})", error);
        }
        return (description, model.to(device));
    }

    private static ModelDescription Describe(string path, string json)
    {
        try
        {
            var description = JsonSerializer.Deserialize<ModelDescription>(json, TrainingJson.Options)
                              ?? throw new JsonException("empty description");
            description.Spec.Validated();
            return description;
        }
        catch (Exception error) when (error is JsonException or ArgumentException or NotSupportedException)
        {
            throw new ModelFileException(path, $"model.json is not a valid model description ({error.Message})", error);
        }
    }
}
