using Cremi.Core.Volumes;
using Cremi.Learning.Models;
using Cremi.Learning.Training;
using Cremi.Learning.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Inference;

/// <summary>
/// A network ready for generation with everything that goes with it: a <c>model.cremi</c> carries its own
/// preprocessing, window and threshold; a raw PyTorch <c>.pth</c> of the Python tool (<c>--arch seed</c>) gets the
/// seed's: its preprocessing, its 32×64×64 window and threshold 0.5 (0.01, the Python tool's, in naive mode).
/// </summary>
public sealed class InferenceModel : IDisposable
{
    /// <summary>The Python tool's window (z, y, x).</summary>
    public static readonly Shape3 SeedWindow = new(32, 64, 64);

    /// <summary>The Python tool's threshold on probabilities.</summary>
    public const double SeedThreshold = 0.01;

    public required nn.Module<Tensor, Tensor> Module { get; init; }
    public required ModelSpec Spec { get; init; }
    public required string Preprocessing { get; init; }
    public required Shape3 Window { get; init; }
    public required double Threshold { get; init; }
    public TargetKind Target { get; init; } = TargetKind.Binary;

    /// <summary>The voxel size of the training data (from model.cremi); null for a .pth, which does not say.</summary>
    public VoxelSize? TrainedResolution { get; init; }

    public WindowModel ToWindowModel(Device device) => new(Module, Spec.OutputsLogits, Target, device);

    /// <summary>Loads <paramref name="path"/>: a model.cremi, or a .pth when <paramref name="seedFilters"/> is given.</summary>
    public static InferenceModel Load(string path, int? seedFilters, bool naive, Device device)
    {
        if (!File.Exists(path)) throw new ModelFileException(path, "model file does not exist");
        if (seedFilters is null)
        {
            if (path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase))
                throw new ModelFileException(path, "a PyTorch state_dict: pass --arch seed (and --filters F) to say which network it holds");
            var (description, module) = ModelFile.Load(path, device);
            return new InferenceModel
            {
                Module = module, Spec = description.Spec, Preprocessing = description.Preprocessing,
                Window = description.Window, Threshold = description.Threshold, Target = description.Target,
                TrainedResolution = description.TrainedResolution,
            };
        }
        var seed = new SeedUNet3D(seedFilters.Value);
        try
        {
            WeightFiles.LoadPyTorch(seed, path);
        }
        catch (Exception error) when (error is not ModelFileException)
        {
            seed.Dispose();
            throw new ModelFileException(path, $"not a state_dict of the seed network with {seedFilters} filters ({error.Message})", error);
        }
        return new InferenceModel
        {
            Module = seed.to(device), Spec = ModelSpec.Seed(seedFilters.Value), Preprocessing = "seed",
            Window = SeedWindow, Threshold = naive ? SeedThreshold : 0.5,
        };
    }

    public void Dispose() => Module.Dispose();
}
