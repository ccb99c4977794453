using Cremi.Learning.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// An exponential moving average of the network's weights (Polyak averaging, as in the EMA models of timm and
/// of many segmentation trainers): after every optimizer step avg ← d·avg + (1 − d)·w. With batches of two windows
/// the weights of any single step carry that step's noise; their average over the last steps scores better and
/// steadier, so validation, the saved model and its calibrated threshold use the average.
/// The decay ramps up as d = min(decay, (1 + t) / (10 + t)) (TensorFlow's ExponentialMovingAverage with
/// num_updates): the average then spans about the last ninth of the steps taken until t reaches its cap, so a short
/// run never averages in its untrained start. Buffers (batch-norm statistics) are copied, not averaged.
/// </summary>
public sealed class WeightAverage : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _average;
    private readonly Tensor[] _averageParameters;
    private readonly Tensor[] _averageBuffers;

    public WeightAverage(ModelSpec spec, nn.Module<Tensor, Tensor> model, Device device, double decay)
    {
        if (!(decay > 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "the average's decay must lie between 0 and 1");
        Decay = decay;
        _average = spec.Build();
        _average.to(device);
        _average.eval();
        foreach (var p in _average.parameters()) p.requires_grad = false;
        _averageParameters = [.. _average.parameters()];
        _averageBuffers = [.. _average.buffers()];
        CopyFrom(model);
    }

    public double Decay { get; }

    /// <summary>The averaged network (evaluation mode; its parameters take no gradients).</summary>
    public nn.Module<Tensor, Tensor> Model => _average;

    /// <summary>The decay applied at update number <paramref name="updates"/> (1 for the first).</summary>
    public double DecayAt(long updates) => Math.Min(Decay, (1.0 + updates) / (10.0 + updates));

    /// <summary>Folds the network's current weights in, as update number <paramref name="updates"/> (the step just taken).</summary>
    public void Update(nn.Module<Tensor, Tensor> model, long updates)
    {
        var d = DecayAt(updates);
        using var _ = no_grad();
        using var keep = d.ToScalar();
        using var take = (1 - d).ToScalar();
        var i = 0;
        foreach (var p in model.parameters()) _averageParameters[i++].mul_(keep).add_(p, take);
        CopyBuffers(model);
    }

    /// <summary>Sets the average to the network's weights (a fresh run, or a checkpoint from before averaging).</summary>
    public void CopyFrom(nn.Module<Tensor, Tensor> model)
    {
        using var _ = no_grad();
        var i = 0;
        foreach (var p in model.parameters()) _averageParameters[i++].copy_(p);
        if (i != _averageParameters.Length) throw new ArgumentException("the network and its average differ in their parameters", nameof(model));
        CopyBuffers(model);
    }

    private void CopyBuffers(nn.Module<Tensor, Tensor> model)
    {
        using var _ = no_grad();
        var i = 0;
        foreach (var b in model.buffers()) _averageBuffers[i++].copy_(b);
    }

    public void Dispose() => _average.Dispose();
}
