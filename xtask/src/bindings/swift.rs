pub fn run(_: &std::path::Path, _: &super::generate::Built) -> Result<(), String> {
    Err("todo".into())
}
