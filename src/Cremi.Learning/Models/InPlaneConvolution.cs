using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cremi.Learning.Models;

/// <summary>
/// Runs a Conv3d whose kernel is one section deep (1×k×k, the in-plane levels of CREMI's 40×4×4 nm U-Nets) as a 2D
/// convolution over every section at once: (N,C,Z,Y,X) → (N·Z,C,Y,X). Same parameters (the Conv3d's weight viewed
/// without its depth axis), same result and gradients, but libtorch's 2D kernels are much faster on CPU than its 3D
/// ones for depth-1 kernels. Other kernels run the Conv3d unchanged. The module, and so the state_dict, is untouched.
/// Assumes what <see cref="ConvBlock"/> builds: stride 1, no dilation, one group, 'same' padding (k/2).
/// </summary>
internal static class InPlaneConvolution
{
    public static Tensor Apply(Conv3d conv, Tensor input)
    {
        var weight = conv.weight!;
        if (weight.shape[2] != 1 || input.dim() != 5) return conv.forward(input);
        using var scope = NewDisposeScope();
        var (n, c, z, y, x) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3], input.shape[4]);
        var sections = input.permute(0, 2, 1, 3, 4).reshape(n * z, c, y, x);
        var padding = new[] { weight.shape[3] / 2, weight.shape[4] / 2 };
        var output = nn.functional.conv2d(sections, weight.squeeze(2), conv.bias, padding: padding);
        return output.reshape(n, z, output.shape[1], y, x).permute(0, 2, 1, 3, 4).contiguous().MoveToOuterDisposeScope();
    }
}
