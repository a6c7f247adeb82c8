package rtt

// National reporting lines of the monthly RTT return, from the April 2021 return
// onwards (RTT.md §7-8): 18 specialties with a line of their own (C_<code>), five
// "Other" groups (X02-X06) and the total (C_999).
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

var lineOrder = []string{"C_100", "C_101", "C_110", "C_120", "C_130", "C_140", "C_150",
	"C_160", "C_170", "C_300", "C_301", "C_320", "C_330", "C_340", "C_400", "C_410", "C_430",
	"C_502", "X02", "X03", "X04", "X05", "X06", "C_999"}

// lineCodes is NHS England's treatment function → RTT reporting line mapping for the
// 2021+ return. The published workbook is not in our reference corpus; this table
// was checked against two independent public transcriptions of it (an NHS regional
// analytics SQL over the Waiting List Minimum Data Set, and a simulation schema of an
// NHS waiting-list study), which agree on every code both list, including the
// roll-ups of RTT.md §7 (108/111/115 → C_110, 144/145 → C_140) and 172/173 → C_170.
// Where only one of them lists a code (312, 349, 728, 729, and 420 Paediatrics under
// X02) we follow the one that does. Two points differ from RTT.md §7: 191 Pain
// Management reports under X02 (medical), not X05, and 172 Cardiac / 173 Thoracic
// Surgery roll into C_170.
var lineCodes = map[string][]string{
	"C_110": {"108", "111", "115"},
	"C_140": {"144", "145"},
	"C_170": {"172", "173"},
	"X02": {"180", "190", "191", "192", "200", "302", "303", "304", "305", "306", "307",
		"308", "309", "310", "311", "312", "313", "314", "315", "316", "317", "318", "319",
		"322", "323", "324", "325", "326", "327", "328", "329", "331", "333", "335", "341",
		"342", "343", "344", "345", "346", "347", "348", "349", "350", "352", "360", "361",
		"370", "371", "401", "420", "422", "424", "431", "450", "451", "460", "461", "501",
		"503", "504", "505", "834"},
	"X03": {"656", "700", "710", "711", "712", "713", "715", "720", "721", "722", "723",
		"724", "725", "726", "727", "728", "729", "730"},
	"X04": {"142", "171", "211", "212", "213", "214", "215", "216", "217", "218", "219",
		"220", "221", "222", "223", "230", "240", "241", "242", "250", "251", "252", "253",
		"254", "255", "256", "257", "258", "259", "260", "261", "262", "263", "264", "270",
		"280", "290", "291", "321", "421"},
	"X05": {"102", "103", "104", "105", "106", "107", "109", "113", "141", "143", "161", "174"},
	"X06": {"560", "650", "651", "652", "653", "654", "655", "657", "658", "659", "660",
		"661", "662", "663", "670", "673", "675", "677", "800", "811", "812", "822", "840",
		"920"},
}

var lineByCode = func() map[string]string {
	m := map[string]string{}
	for line, codes := range lineCodes {
		for _, c := range codes {
			m[c] = line
		}
	}
	for line := range namedLines {
		if line != "C_999" && len(line) == 5 && line[:2] == "C_" {
			m[line[2:]] = line
		}
	}
	return m
}()

// ValidTreatmentFunction reports whether code has the form of a treatment function
// code [DD Treatment Function Code]: exactly three digits.
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
// A code the published mapping does not list — including a malformed one, which the
// caller should have refused with ValidTreatmentFunction — reports under X06 Other -
// Other Services (ours): the return has no line for unknown codes, and X06 keeps the
// pathway in the totals without claiming a specialty it may not belong to.
func ReportingLine(code string) string {
	if line, ok := lineByCode[code]; ok {
		return line
	}
	return "X06"
}

// ReportingLineName is the published name of a reporting line, "" if unknown.
func ReportingLineName(line string) string { return namedLines[line] }

// ReportingLines lists every line of the return in published order, total last.
func ReportingLines() []string { return append([]string(nil), lineOrder...) }
