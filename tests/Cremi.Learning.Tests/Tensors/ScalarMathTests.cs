using Cremi.Learning.Losses;
using Cremi.Learning.Tensors;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests.Tensors;

/// <summary>Under a collector that never rests, so in a collection that runs alone (<see cref="RestlessCollectorCollection"/>).</summary>
[Collection(RestlessCollectorCollection.Name)]
public sealed class ScalarMathTests
{
    /// <summary>
    /// The soft Dice loss under a collector that never rests (as with the prefetch thread and the worker host): its
    /// numbers must reach libtorch intact every time. With implicit Scalars this failed now and then with "value
    /// cannot be converted to type float without overflow".
    /// </summary>
    [Fact]
    public void Losses_stay_exact_while_another_thread_collects_and_finalizes()
    {
        var stop = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop)) CollectYoungest();
        }) { IsBackground = true };
        collector.Start();
        try
        {
            using var p = full([2, 1, 2, 4, 4], 0.25f);
            using var t = ones([2, 1, 2, 4, 4]);
            // Dice = 1 - (2*8 + 1) / (8 + 32 + 1) and IoU = 1 - (8 + 1) / (8 + 32 - 8 + 1) per sample; BCE with
            // pos_weight 5 on p = 0.25 against 1: -5 ln 0.25.
            var combined = new CombinedLoss(new LossSpec(Bce: 1, Dice: 1, Iou: 1, PosWeight: 5), onLogits: false);
            var expected = 5 * -Math.Log(0.25) + (1 - 17.0 / 41.0) + (1 - 9.0 / 33.0);
            for (var i = 0; i < 10_000; i++)
            {
                using var scope = NewDisposeScope();
                Assert.Equal(expected, combined.Compute(p, t).Total.item<float>(), 4);
                Assert.Equal(0.5625 * 0.5 / 0.95, BalancedMse.Compute(p, t).item<float>(), 5); // all cleft: fraction clipped to 0.95
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            collector.Join();
        }
    }

    [Fact]
    public void Training_steps_stay_exact_under_a_restless_collector()
    {
        var stop = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop)) CollectYoungest();
        }) { IsBackground = true };
        collector.Start();
        try
        {
            manual_seed(1);
            var spec = Cremi.Learning.Models.ModelSpec.Unet(filters: 2, depth: 2, inPlaneLevels: 1) with { Groups = 1 };
            using var model = spec.Build();
            using var optimizer = new Cremi.Learning.Training.AdamW(model.parameters(), 1e-3, weightDecay: 1e-4);
            using var x = randn([2, 1, 2, 8, 8]);
            using var y = ScalarMath.Greater(rand([2, 1, 2, 8, 8]), 0.5).to_type(ScalarType.Float32);
            var combined = new CombinedLoss(new LossSpec(Bce: 1, Dice: 1, Iou: 0, PosWeight: 5));
            for (var i = 0; i < 2000; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.ZeroGrad();
                var loss = combined.Compute(model.forward(x), y).Total;
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                optimizer.Step();
                Assert.True(float.IsFinite(loss.item<float>()));
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            collector.Join();
        }
    }

    /// <summary>
    /// A Scalar made for one call is the youngest of objects, so collecting generation 0 finds it; a full collection
    /// pauses every thread for as long as the whole heap takes, and after the rest of the suite that made the
    /// 2,000-step test 394 s long instead of 48.
    /// </summary>
    private static void CollectYoungest()
    {
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
    }

    [Fact]
    public void Each_operation_gives_what_the_operator_form_gives()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { -2, -0.5f, 0, 0.5f, 3 });
        Assert.Equal(new float[] { -4, -1, 0, 1, 6 }, ScalarMath.Times(x, 2).data<float>().ToArray());
        Assert.Equal(new float[] { -1, 0.5f, 1, 1.5f, 4 }, ScalarMath.Plus(x, 1).data<float>().ToArray());
        Assert.Equal(new float[] { 3, 1.5f, 1, 0.5f, -2 }, ScalarMath.Minus(1, x).data<float>().ToArray());
        Assert.Equal(new float[] { -1, -0.5f, 0, 0.5f, 1 }, ScalarMath.Clamp(x, -1, 1).data<float>().ToArray());
        Assert.Equal(new[] { false, false, false, true, true }, ScalarMath.Greater(x, 0).data<bool>().ToArray());
        Assert.Equal(new double[] { 7, 7, 7, 9, 9 }, ScalarMath.Where(ScalarMath.Greater(x, 0), 9, 7).data<double>().ToArray());
        var ids = tensor(new byte[] { 0, 1, 2, 1 });
        Assert.Equal(new[] { false, true, false, true }, ScalarMath.Equal(ids, 1).data<bool>().ToArray());
        Assert.Equal(new[] { true, false, true, false }, ScalarMath.NotEqual(ids, 1).data<bool>().ToArray());
        var sum = ones(2);
        ScalarMath.Accumulate(sum, tensor(new float[] { 2, 3 }));
        Assert.Equal(new float[] { 3, 4 }, sum.data<float>().ToArray());
        Assert.Equal(new float[] { 0, 1 }, ScalarMath.Difference(tensor(new float[] { 1, 4 }), tensor(new float[] { 1, 3 })).data<float>().ToArray());
        Assert.Equal(new float[] { 4, 9 }, ScalarMath.Square(tensor(new float[] { -2, 3 })).data<float>().ToArray());
        Assert.Equal(new float[] { 3, 7 }, ScalarMath.Sum(tensor(new float[] { 1, 4 }), tensor(new float[] { 2, 3 })).data<float>().ToArray());
        var filled = zeros(3);
        ScalarMath.Fill(filled, 2.5);
        Assert.Equal(new float[] { 2.5f, 2.5f, 2.5f }, filled.data<float>().ToArray());
    }
}
