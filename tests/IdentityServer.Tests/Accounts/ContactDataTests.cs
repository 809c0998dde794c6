using Iess.Identity.Accounts;

namespace Iess.Identity.Tests.Accounts;

public sealed class ContactDataTests
{
    [Theory]
    [InlineData("0991234567", "+593991234567")]
    [InlineData("099 123 4567", "+593991234567")]
    [InlineData("099-123-4567", "+593991234567")]
    [InlineData("+593 99 123 4567", "+593991234567")]
    [InlineData("+593991234567", "+593991234567")]
    [InlineData("(02) 394 6000", "+59323946000")]
    [InlineData("+1 202 555 0143", "+12025550143")]
    [InlineData("+1 (201) 555-0123", "+12015550123")]
    [InlineData("+34 612 34 56 78", "+34612345678")]
    public void TryNormalizePhone_ValidLocalOrInternational_ReturnsE164(string typed, string e164)
    {
        Assert.True(ContactData.TryNormalizePhone(typed, out var normalized), typed);
        Assert.Equal(e164, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("12345")]
    [InlineData("099123456")]
    [InlineData("09912345678")]
    [InlineData("0091234567")]
    [InlineData("+593 12 345")]
    [InlineData("+999 991234567")]
    [InlineData("call me maybe")]
    [InlineData("0991234567 ext 99999999999999999999")]
    public void TryNormalizePhone_Invalid_Rejected(string? typed)
    {
        Assert.False(ContactData.TryNormalizePhone(typed, out var normalized), typed);
        Assert.Equal("", normalized);
    }

    [Fact]
    public void TryNormalizePhone_ThousandCharacters_RejectedWithoutException()
    {
        Assert.False(ContactData.TryNormalizePhone(new string('9', 1000), out _));
    }

    [Theory]
    [InlineData("maria.perez@example.ec", "maria.perez@example.ec")]
    [InlineData("Maria.Perez@Example.EC", "maria.perez@example.ec")]
    [InlineData("  CARLOS@IESS.GOB.EC ", "carlos@iess.gob.ec")]
    [InlineData("ana+iess@correo.com.ec", "ana+iess@correo.com.ec")]
    public void TryNormalizeEmail_Valid_ReturnsLowerCase(string typed, string expected)
    {
        Assert.True(ContactData.TryNormalizeEmail(typed, out var email), typed);
        Assert.Equal(expected, email);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a@b")]
    [InlineData("no-at-sign")]
    [InlineData("x@y..com")]
    [InlineData("x@.example.com")]
    [InlineData("x@example.com.")]
    [InlineData("@example.com")]
    [InlineData("maria@")]
    [InlineData("María Pérez <maria@example.ec>")]
    [InlineData("\"Maria\" <maria@example.ec>")]
    [InlineData("<maria@example.ec>")]
    [InlineData("maria@example.ec, carlos@example.ec")]
    [InlineData("maria @example.ec")]
    public void TryNormalizeEmail_Invalid_Rejected(string? typed)
    {
        Assert.False(ContactData.TryNormalizeEmail(typed, out var email), typed);
        Assert.Equal("", email);
    }

    [Fact]
    public void TryNormalizeEmail_LongerThan254_Rejected()
    {
        Assert.False(ContactData.TryNormalizeEmail(new string('a', 250) + "@example.ec", out _));
    }
}
