package pathway

// RuleField names the command field a refusal is about, for the API's errors[].
func (e *RuleError) RuleField() string { return e.Field }
