using Cremi.Learning.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019) exactly as PyTorch's torch.optim.AdamW computes it (amsgrad off):
/// p ← p·(1 − lr·λ); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
/// p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε).
/// Ours rather than TorchSharp's because TorchSharp 0.107's AdamW passes its numbers to libtorch as implicit Scalars
/// that the GC may free during the call (see <see cref="ScalarMath"/>); under a busy collector its step failed with
/// "toFloat" errors within a few thousand steps. Every number here is a Scalar held until the step ends.
/// </summary>
public sealed class AdamW : IDisposable
{
    private const string Magic = "cremi-adamw-1";
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _first;
    private readonly Tensor[] _second;

    public AdamW(IEnumerable<Parameter> parameters, double learningRate, double weightDecay = 0.01,
        double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        _parameters = [.. parameters];
        LearningRate = learningRate;
        (WeightDecay, Beta1, Beta2, Epsilon) = (weightDecay, beta1, beta2, epsilon);
        _first = [.. _parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
        _second = [.. _parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
    }

    public double LearningRate { get; set; }
    public double WeightDecay { get; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }

    /// <summary>Steps taken (t above), kept in checkpoints for the bias corrections.</summary>
    public long Steps { get; private set; }

    /// <summary>Drops the gradients (set to none, as PyTorch does by default).</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.grad = null;
    }

    public void Step()
    {
        using var noGrad = no_grad();
        Steps++;
        var correction1 = 1 - Math.Pow(Beta1, Steps);
        var correction2 = 1 - Math.Pow(Beta2, Steps);
        using var decay = (1 - LearningRate * WeightDecay).ToScalar();
        using var beta1 = Beta1.ToScalar();
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var inverseRootCorrection2 = (1 / Math.Sqrt(correction2)).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var one = 1.ToScalar();
        using var minusStepSize = (-LearningRate / correction1).ToScalar();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var (p, m, v) = (_parameters[i], _first[i], _second[i]);
            using var g = p.grad;
            if (g is null) continue;
            p.mul_(decay);
            m.mul_(beta1).add_(g, oneMinusBeta1);
            v.mul_(beta2).addcmul_(g, g, oneMinusBeta2);
            using var root = v.sqrt();
            root.mul_(inverseRootCorrection2).add_(epsilon, one);
            p.addcdiv_(m, root, minusStepSize);
        }
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(Magic);
        writer.Write(Steps);
        writer.Write(_parameters.Length);
        foreach (var t in _first.Concat(_second)) t.Save(writer);
    }

    /// <summary>Restores the moments and step count written by <see cref="Save"/> for the same parameters.</summary>
    public void Load(BinaryReader reader)
    {
        var magic = reader.ReadString();
        if (magic != Magic) throw new InvalidDataException($"not a cremi AdamW state ('{magic}')");
        var steps = reader.ReadInt64();
        var count = reader.ReadInt32();
        if (count != _parameters.Length)
            throw new InvalidDataException($"optimizer state for {count} parameters, the model has {_parameters.Length}");
        foreach (var t in _first.Concat(_second)) t.Load(reader);
        Steps = steps;
    }

    public void Dispose()
    {
        foreach (var t in _first.Concat(_second)) t.Dispose();
    }
}
