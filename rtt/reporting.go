package rtt

// National reporting lines of the monthly RTT return (NHS England's treatment
// function list from the April 2021 return onwards, RTT.md §7-8). Specialties with a
// line of their own report as C_<code>; some sub-specialties roll into their parent;
// the rest report under one of the "Other" groups.
var namedLines = map[string]string{
	"C_100": "General Surgery Service",
	"C_101": "Urology Service",
	"C_110": "Trauma and Orthopaedic Service",
	"C_120": "Ear Nose and Throat Service",
	"C_130": "Ophthalmology Service",
	"C_140": "Oral Surgery Service",
	"C_150": "Neurosurgical Service",
	"C_160": "Plastic Surgery Service",
	"C_170": "Cardiothoracic Surgery Service",
	"C_300": "General Internal Medicine Service",
	"C_301": "Gastroenterology Service",
	"C_320": "Cardiology Service",
	"C_330": "Dermatology Service",
	"C_340": "Respiratory Medicine Service",
	"C_400": "Neurology Service",
	"C_410": "Rheumatology Service",
	"C_430": "Elderly Medicine Service",
	"C_502": "Gynaecology Service",
	"X02":   "Other - Medical Services",
	"X03":   "Other - Mental Health Services",
	"X04":   "Other - Paediatric Services",
	"X05":   "Other - Surgical Services",
	"X06":   "Other - Other Services",
	"C_999": "Total",
}

// rollUps are the sub-specialties the return counts under a parent line (RTT.md §7:
// 108 Spinal Surgery, 111 Orthopaedic, 115 Trauma into 110; 144 Maxillofacial and
// 145 Oral and Maxillofacial into 140).
var rollUps = map[string]string{
	"108": "C_110", "111": "C_110", "115": "C_110",
	"144": "C_140", "145": "C_140",
}

// paediatric codes outside the 2xx range (ours: 171 Paediatric Surgery, 321
// Paediatric Cardiology, 420 Paediatrics) report as paediatric services.
var paediatric = map[string]bool{"171": true, "321": true, "420": true}

// ValidTreatmentFunction reports whether code has the form of a treatment function
// code: three digits.
func ValidTreatmentFunction(code string) bool {
	if len(code) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

// ReportingLine maps a treatment function code to its line in the national return.
// 103 Breast, 104 Colorectal, 106 Upper GI, 107 Vascular and 191 Pain Management
// report under X05 (RTT.md §7). Codes without a line of their own go by range (ours,
// following the published grouping): paediatric (2xx and the codes above) X04,
// mental health (7xx) X03, other surgical (1xx) X05, other medical (3xx, 4xx, 8xx)
// X02, anything else X06.
func ReportingLine(code string) string {
	if line, ok := rollUps[code]; ok {
		return line
	}
	if _, ok := namedLines["C_"+code]; ok && code != "999" {
		return "C_" + code
	}
	if !ValidTreatmentFunction(code) {
		return "X06"
	}
	if paediatric[code] {
		return "X04"
	}
	switch code[0] {
	case '1':
		return "X05"
	case '2':
		return "X04"
	case '3', '4', '8':
		return "X02"
	case '7':
		return "X03"
	}
	return "X06"
}

// ReportingLineName is the published name of a reporting line, "" if unknown.
func ReportingLineName(line string) string { return namedLines[line] }

// ReportingLines lists every line of the return in published order, total last.
func ReportingLines() []string {
	return []string{"C_100", "C_101", "C_110", "C_120", "C_130", "C_140", "C_150", "C_160",
		"C_170", "C_300", "C_301", "C_320", "C_330", "C_340", "C_400", "C_410", "C_430",
		"C_502", "X02", "X03", "X04", "X05", "X06", "C_999"}
}
