using Cremi.Learning.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cremi.Learning.Training;

/// <summary>
/// Mixed-precision training without autocast (TorchSharp 0.107 has none): a bfloat16 copy of the network runs the
/// forward and backward passes while the float32 "master" network keeps the weights that AdamW updates, clips and
/// saves (Micikevicius et al. 2018's master weights, with bfloat16 instead of float16: its float32 exponent range
/// needs no loss scaling). Each step: master weights are rounded into the copy, the copy's output is cast back to
/// float32 for the loss, and its gradients are cast to float32 onto the master parameters. Buffers the forward pass
/// updates (batch-norm running statistics) are copied back, so the master network validates and saves as trained.
/// The activations take half the memory. Speed depends on the kernels: for our 16-128-channel 3D networks cuDNN's
/// bfloat16 convolutions were slower than TF32 on an H100 (see <see cref="TrainingPrecision.Auto"/>), so this is opt-in.
/// </summary>
public sealed class MixedPrecisionReplica : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _master;
    private readonly nn.Module<Tensor, Tensor> _replica;
    private readonly Parameter[] _masterParameters;
    private readonly Parameter[] _replicaParameters;
    private readonly Tensor[] _masterBuffers;
    private readonly Tensor[] _replicaBuffers;
    private readonly ScalarType _dtype;

    /// <param name="spec">What built <paramref name="master"/>: the copy is built the same way, so its parameters and buffers pair up by name.</param>
    /// <param name="dtype">The copy's number format: bfloat16 for training; tests check the mechanics exactly with float64.</param>
    public MixedPrecisionReplica(ModelSpec spec, nn.Module<Tensor, Tensor> master, Device device, ScalarType dtype = ScalarType.BFloat16)
    {
        _master = master;
        _dtype = dtype;
        _replica = spec.Build();
        _replica.to(device).to(dtype);
        var masterParameters = master.named_parameters().ToArray();
        var replicaParameters = _replica.named_parameters().ToArray();
        if (!masterParameters.Select(p => p.name).SequenceEqual(replicaParameters.Select(p => p.name)))
            throw new InvalidOperationException("the reduced-precision copy of the network does not have the network's parameters");
        _masterParameters = [.. masterParameters.Select(p => p.parameter)];
        _replicaParameters = [.. replicaParameters.Select(p => p.parameter)];
        // Every buffer: the floating ones are bfloat16 in the copy, an integer one (num_batches_tracked) keeps its type.
        _masterBuffers = [.. master.named_buffers().Select(b => b.buffer)];
        _replicaBuffers = [.. _replica.named_buffers().Select(b => b.buffer)];
        if (_masterBuffers.Length != _replicaBuffers.Length)
            throw new InvalidOperationException("the reduced-precision copy of the network does not have the network's buffers");
    }

    /// <summary>
    /// The network's float32 output for <paramref name="input"/>, computed in the copy's format from the master's current
    /// weights, in the master's train/eval mode. Call <see cref="GradientsToMaster"/> after the backward pass.
    /// </summary>
    public Tensor Forward(Tensor input)
    {
        using (no_grad())
        {
            for (var i = 0; i < _masterParameters.Length; i++) _replicaParameters[i].copy_(_masterParameters[i]);
            for (var i = 0; i < _masterBuffers.Length; i++) _replicaBuffers[i].copy_(_masterBuffers[i]);
        }
        _replica.train(_master.training);
        using var half = input.to(_dtype);
        using var output = _replica.forward(half);
        using (no_grad())
            for (var i = 0; i < _masterBuffers.Length; i++) _masterBuffers[i].copy_(_replicaBuffers[i]);
        return output.to(ScalarType.Float32);
    }

    /// <summary>Moves the copy's gradients, as float32, onto the master parameters (replacing theirs) and clears the copy's.</summary>
    public void GradientsToMaster()
    {
        for (var i = 0; i < _masterParameters.Length; i++)
        {
            using var gradient = _replicaParameters[i].grad;
            if (gradient is null) { _masterParameters[i].grad = null; continue; }
            using var single = gradient.to(_masterParameters[i].dtype);
            _masterParameters[i].grad = single;
            _replicaParameters[i].grad = null;
        }
    }

    public void Dispose() => _replica.Dispose();
}
