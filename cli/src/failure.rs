//! Command failures: a message for the person and an exit code.

/// Exit code for usage and input errors (unreadable files, bad arguments).
pub const EXIT_USAGE: u8 = 3;
/// Exit code for a rejected note, proof or checkpoint.
pub const EXIT_REJECTED: u8 = 1;

/// A failed command.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What went wrong, naming the file.
    pub message: String,
}

impl Failure {
    /// A usage or input error (exit 3).
    pub fn input(message: impl Into<String>) -> Self {
        Self {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }

    /// A rejection (exit 1).
    pub fn rejected(message: impl Into<String>) -> Self {
        Self {
            code: EXIT_REJECTED,
            message: message.into(),
        }
    }
}

/// The result of a command: an exit code on success.
pub type CommandResult = Result<u8, Failure>;
