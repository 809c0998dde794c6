using System.ComponentModel.DataAnnotations;

namespace Iess.Identity.Login;

/// <summary>What the sign-in form posts. Error messages and names are resource keys (Spanish first).</summary>
public sealed class InputModel
{
    [Required(ErrorMessage = "IdentifierRequired")]
    [StringLength(40, ErrorMessage = "IdentifierInvalid")]
    [Display(Name = "IdentifierLabel")]
    public string? Identifier { get; set; }

    [StringLength(4, ErrorMessage = "BranchInvalid")]
    [Display(Name = "BranchLabel")]
    public string? Branch { get; set; }

    [Required(ErrorMessage = "PasswordRequired")]
    [StringLength(1024, ErrorMessage = "PasswordRequired")]
    [DataType(DataType.Password)]
    [Display(Name = "PasswordLabel")]
    public string? Password { get; set; }
}
