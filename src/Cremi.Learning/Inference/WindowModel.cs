using Cremi.Learning.Tensors;
using Cremi.Core.Volumes;
using Cremi.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Inference;

/// <summary>
/// A network in evaluation mode that turns batches of windows into cleft scores in [0, 1]: sigmoid of logits,
/// probabilities as they are (seed network), or (clamp(tanh distance) + 1) / 2, as <see cref="TrainingObjective.Score"/>.
/// Does not own the module.
/// </summary>
public sealed class WindowModel
{
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly bool _outputsLogits;
    private readonly TargetKind _target;

    public WindowModel(nn.Module<Tensor, Tensor> module, bool outputsLogits, TargetKind target, Device device)
    {
        _module = module;
        _outputsLogits = outputsLogits;
        _target = target;
        Device = device;
        module.eval();
    }

    public Device Device { get; }

    /// <summary>Time spent in <see cref="Score"/> so far (copies in and out, forward passes, output function): what
    /// the network costs, against the whole prediction stage's time, in benchmark reports.</summary>
    public TimeSpan NetworkTime => _networkClock.Elapsed;

    private readonly System.Diagnostics.Stopwatch _networkClock = new();

    /// <summary>
    /// Scores of <paramref name="count"/> windows of <paramref name="shape"/> stored one after another in
    /// <paramref name="input"/>, written the same way into <paramref name="scores"/>. With <paramref name="tta"/> the
    /// mean over the 8 flip combinations (each flipped back before averaging).
    /// </summary>
    public void Score(float[] input, int count, Shape3 shape, bool tta, float[] scores)
    {
        _networkClock.Start();
        try
        {
            ScoreTimed(input, count, shape, tta, scores);
        }
        finally
        {
            _networkClock.Stop();
        }
    }

    private void ScoreTimed(float[] input, int count, Shape3 shape, bool tta, float[] scores)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope(); // one scope per batch: every intermediate tensor is freed here
        var n = count * shape.Count;
        long[] batchShape = [count, 1, shape.Z, shape.Y, shape.X];
        var batch = HostCopy.ToTensor(input.AsSpan(0, (int)n), batchShape).to(Device);
        Tensor result;
        if (!tta) result = Scores(_module.forward(batch));
        else
        {
            result = zeros_like(batch);
            foreach (var dims in FlipSets)
            {
                var flipped = dims.Length == 0 ? batch : batch.flip(dims);
                var s = Scores(_module.forward(flipped));
                ScalarMath.Accumulate(result, dims.Length == 0 ? s : s.flip(dims));
            }
            result = ScalarMath.Times(result, 1.0 / FlipSets.Length);
        }
        HostCopy.CopyTo(result, scores.AsSpan());
    }

    private Tensor Scores(Tensor output) => _target switch
    {
        TargetKind.Distance => ScalarMath.Times(ScalarMath.Plus(ScalarMath.Clamp(output, -1, 1), 1), 0.5),
        _ => _outputsLogits ? output.sigmoid() : output,
    };

    /// <summary>Axes flipped for test-time augmentation: none, each of z/y/x, each pair, all three.</summary>
    private static readonly long[][] FlipSets = [[], [2], [3], [4], [2, 3], [2, 4], [3, 4], [2, 3, 4]];
}
