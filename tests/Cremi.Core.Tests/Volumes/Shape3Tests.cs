using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Volumes;

public sealed class Shape3Tests
{
    [Fact]
    public void The_argument_form_is_the_command_lines_and_parses_back()
    {
        var shape = new Shape3(16, 128, 1250);
        Assert.Equal("16,128,1250", shape.ToArgument());
        Assert.Equal(shape, Shape3.Parse(shape.ToArgument()));
        Assert.Equal("16x128x1250", shape.ToString()); // the readable form stays for tables and messages
    }
}
