using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Cremi.Learning.Models;

/// <summary>
/// Our 3D U-Net: per-level kernels and pooling factors (anisotropic for CREMI's 40×4×4 nm voxels), 'same' padding
/// (output size = input size when every side is a multiple of <see cref="ModelSpec.RequiredMultiple"/>),
/// normalisation of choice, logits out (no sigmoid). State_dict keys:
/// <c>encoders.{i}.{conv1,norm1,conv2,norm2,shortcut}.*</c> for levels i = 0..depth−1,
/// <c>upsamples.{i}.weight|bias</c> (ConvTranspose3d from level i+1 to i, kernel = stride = pool i),
/// <c>decoders.{i}.*</c> (blocks at level i after concatenating [skip, upsampled]) and <c>head.weight|bias</c>.
/// </summary>
public sealed class UNet3D : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the PyTorch module names
    private readonly ModuleList<ConvBlock> encoders = new();
    private readonly ModuleList<ConvTranspose3d> upsamples = new();
    private readonly ModuleList<ConvBlock> decoders = new();
    private readonly Conv3d head;
#pragma warning restore IDE1006
    private readonly long[][] _pools;

    public UNet3D(ModelSpec spec) : base(nameof(UNet3D))
    {
        Spec = spec.Validated();
        if (spec.Arch != Architecture.Unet) throw new ArgumentException("UNet3D builds only the 'unet' architecture", nameof(spec));
        var depth = spec.Kernels.Count;
        for (var i = 0; i < depth; i++)
            encoders.Add(new ConvBlock(i == 0 ? spec.InChannels : spec.Channels(i - 1), spec.Channels(i), spec.Kernels[i], spec));
        for (var i = 0; i < depth - 1; i++)
        {
            var p = spec.Pools[i];
            upsamples.Add(ConvTranspose3d(spec.Channels(i + 1), spec.Channels(i), (p.Z, p.Y, p.X), stride: (p.Z, p.Y, p.X)));
            decoders.Add(new ConvBlock(2 * spec.Channels(i), spec.Channels(i), spec.Kernels[i], spec));
        }
        head = Conv3d(spec.Channels(0), spec.OutChannels, 1);
        _pools = [.. spec.Pools.Select(p => new long[] { p.Z, p.Y, p.X })];
        RegisterComponents();
    }

    public ModelSpec Spec { get; }

    /// <summary>Logits (N,OutChannels,Z,Y,X) for an input (N,InChannels,Z,Y,X).</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var skips = new List<Tensor>();
        var x = input;
        for (var i = 0; i < encoders.Count; i++)
        {
            x = encoders[i].forward(x);
            if (i == encoders.Count - 1) break;
            skips.Add(x);
            x = functional.max_pool3d(x, _pools[i], _pools[i]);
        }
        for (var i = decoders.Count - 1; i >= 0; i--)
            x = decoders[i].forward(skips[i], upsamples[i].forward(x)); // = the block on cat([skip, up], 1)
        // The maps run channels-last on the CPU (ChannelsLast); callers get the usual contiguous layout back.
        return head.forward(x).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Trainable parameters, in closed form.</summary>
    public static long ParameterCount(ModelSpec spec)
    {
        var total = spec.Channels(0) * spec.OutChannels + spec.OutChannels; // head
        for (var i = 0; i < spec.Kernels.Count; i++)
            total += ConvBlock.ParameterCount(i == 0 ? spec.InChannels : spec.Channels(i - 1), spec.Channels(i), spec.Kernels[i], spec);
        for (var i = 0; i < spec.Pools.Count; i++)
        {
            var p = spec.Pools[i];
            total += spec.Channels(i + 1) * spec.Channels(i) * p.Z * p.Y * p.X + spec.Channels(i);
            total += ConvBlock.ParameterCount(2 * spec.Channels(i), spec.Channels(i), spec.Kernels[i], spec);
        }
        return total;
    }
}
