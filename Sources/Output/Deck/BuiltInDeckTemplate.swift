import Foundation

/// klynge's own clean deck template (16:9): a theme whose accents are the SVG charts' colours, one
/// slide master and three layouts (title, section header, title only). Written by hand to the
/// PresentationML schema (ECMA-376 part 1 §19), each element in its schema order.
enum BuiltInDeckTemplate {
    static let namespaces = #"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main""#
    static let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

    /// The template's parts by path, as a user's template file would give them.
    static var parts: [String: Data] {
        var parts: [String: String] = [
            "ppt/theme/theme1.xml": theme,
            "ppt/slideMasters/slideMaster1.xml": master,
            "ppt/slideMasters/_rels/slideMaster1.xml.rels": relationships([
                ("rId1", "slideLayout", "../slideLayouts/slideLayout1.xml"), ("rId2", "slideLayout", "../slideLayouts/slideLayout2.xml"),
                ("rId3", "slideLayout", "../slideLayouts/slideLayout3.xml"), ("rId4", "theme", "../theme/theme1.xml"),
            ]),
            "ppt/slideLayouts/slideLayout1.xml": layout(type: "title", name: "Title Slide", shapes: titleSlideShapes),
            "ppt/slideLayouts/slideLayout2.xml": layout(type: "secHead", name: "Section Header", shapes: sectionShapes),
            "ppt/slideLayouts/slideLayout3.xml": layout(type: "titleOnly", name: "Title Only", shapes: titleOnlyShapes),
            "ppt/presProps.xml": header + "<p:presentationPr \(namespaces)/>",
            "ppt/viewProps.xml": header + "<p:viewPr \(namespaces)><p:gridSpacing cx=\"72008\" cy=\"72008\"/></p:viewPr>",
            "ppt/tableStyles.xml": header + #"<a:tblStyleLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" def="{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"/>"#,
            "ppt/presentation.xml": header + "<p:presentation \(namespaces) saveSubsetFonts=\"1\"><p:sldMasterIdLst><p:sldMasterId id=\"2147483648\" r:id=\"rId1\"/></p:sldMasterIdLst>"
                + "<p:sldSz cx=\"12192000\" cy=\"6858000\"/><p:notesSz cx=\"6858000\" cy=\"9144000\"/></p:presentation>",
            "ppt/_rels/presentation.xml.rels": relationships([
                ("rId1", "slideMaster", "slideMasters/slideMaster1.xml"), ("rId2", "theme", "theme/theme1.xml"),
                ("rId3", "presProps", "presProps.xml"), ("rId4", "viewProps", "viewProps.xml"), ("rId5", "tableStyles", "tableStyles.xml"),
            ]),
        ]
        for n in 1...3 {
            parts["ppt/slideLayouts/_rels/slideLayout\(n).xml.rels"] = relationships([("rId1", "slideMaster", "../slideMasters/slideMaster1.xml")])
        }
        return parts.mapValues { Data($0.utf8) }
    }

    /// A relationships part: (id, type's last word, target).
    static func relationships(_ items: [(String, String, String)]) -> String {
        header + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + items.map { #"<Relationship Id="\#($0.0)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/\#($0.1)" Target="\#($0.2)"/>"# }.joined()
            + "</Relationships>"
    }

    static let groupProperties = #"<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>"#

    /// A placeholder shape with its position (EMU), as masters and layouts declare them.
    static func placeholder(_ id: Int, _ name: String, type: String?, idx: Int? = nil, x: Int, y: Int, cx: Int, cy: Int, anchor: String = "b", size: Int? = nil) -> String {
        let ph = "<p:ph" + (type.map { " type=\"\($0)\"" } ?? "") + (idx.map { " idx=\"\($0)\"" } ?? "") + "/>"
        let run = size.map { "<a:lvl1pPr><a:defRPr sz=\"\($0)\"/></a:lvl1pPr>" } ?? ""
        return "<p:sp><p:nvSpPr><p:cNvPr id=\"\(id)\" name=\"\(name)\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr>\(ph)</p:nvPr></p:nvSpPr>"
            + "<p:spPr><a:xfrm><a:off x=\"\(x)\" y=\"\(y)\"/><a:ext cx=\"\(cx)\" cy=\"\(cy)\"/></a:xfrm></p:spPr>"
            + "<p:txBody><a:bodyPr anchor=\"\(anchor)\"/><a:lstStyle>\(run)</a:lstStyle><a:p><a:endParaRPr lang=\"da-DK\"/></a:p></p:txBody></p:sp>"
    }

    static let titleSlideShapes = placeholder(2, "Title 1", type: "ctrTitle", x: 1524000, y: 1122363, cx: 9144000, cy: 2387600, size: 4400)
        + placeholder(3, "Subtitle 2", type: "subTitle", idx: 1, x: 1524000, y: 3602038, cx: 9144000, cy: 1655762, anchor: "t", size: 2000)
    static let sectionShapes = placeholder(2, "Title 1", type: "title", x: 831850, y: 1709738, cx: 10515600, cy: 2852737, size: 4000)
        + placeholder(3, "Text 2", type: "body", idx: 1, x: 831850, y: 4589463, cx: 10515600, cy: 1500187, anchor: "t", size: 2000)
    static let titleOnlyShapes = placeholder(2, "Title 1", type: "title", x: 609600, y: 228600, cx: 10972800, cy: 868680, size: 2800)

    static func layout(type: String, name: String, shapes: String) -> String {
        header + "<p:sldLayout \(namespaces) type=\"\(type)\" preserve=\"1\"><p:cSld name=\"\(name)\"><p:spTree>\(groupProperties)\(shapes)</p:spTree></p:cSld>"
            + "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    }

    static let master = header + "<p:sldMaster \(namespaces)><p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg><p:spTree>\(groupProperties)"
        + placeholder(2, "Title Placeholder 1", type: "title", x: 609600, y: 228600, cx: 10972800, cy: 868680)
        + placeholder(3, "Text Placeholder 2", type: "body", idx: 1, x: 609600, y: 1280160, cx: 10972800, cy: 4846320, anchor: "t")
        + "</p:spTree></p:cSld>"
        + #"<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>"#
        + #"<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/><p:sldLayoutId id="2147483650" r:id="rId2"/><p:sldLayoutId id="2147483651" r:id="rId3"/></p:sldLayoutIdLst>"#
        + "<p:txStyles><p:titleStyle><a:lvl1pPr algn=\"l\"><a:defRPr sz=\"2800\" b=\"1\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"+mj-lt\"/></a:defRPr></a:lvl1pPr></p:titleStyle>"
        + "<p:bodyStyle><a:lvl1pPr marL=\"0\" indent=\"0\"><a:buNone/><a:defRPr sz=\"1800\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/></a:defRPr></a:lvl1pPr></p:bodyStyle>"
        + "<p:otherStyle><a:lvl1pPr><a:defRPr sz=\"1400\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/></a:defRPr></a:lvl1pPr></p:otherStyle></p:txStyles></p:sldMaster>"

    /// The theme: the SVG charts' palette as accents 1–4, DejaVu Sans (the tests' one font) for text.
    static let theme = header + #"<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="klynge"><a:themeElements>"#
        + #"<a:clrScheme name="klynge"><a:dk1><a:srgbClr val="222222"/></a:dk1><a:lt1><a:srgbClr val="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="1F3A5A"/></a:dk2><a:lt2><a:srgbClr val="EEF2F6"/></a:lt2>"#
        + #"<a:accent1><a:srgbClr val="1F5F8B"/></a:accent1><a:accent2><a:srgbClr val="D97A00"/></a:accent2><a:accent3><a:srgbClr val="7A7A7A"/></a:accent3><a:accent4><a:srgbClr val="2A9D8F"/></a:accent4>"#
        + #"<a:accent5><a:srgbClr val="1A6E3B"/></a:accent5><a:accent6><a:srgbClr val="B2182B"/></a:accent6><a:hlink><a:srgbClr val="1F5F8B"/></a:hlink><a:folHlink><a:srgbClr val="8E5AA8"/></a:folHlink></a:clrScheme>"#
        + #"<a:fontScheme name="klynge"><a:majorFont><a:latin typeface="DejaVu Sans"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="DejaVu Sans"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme>"#
        + #"<a:fmtScheme name="klynge"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst>"#
        + #"<a:lnStyleLst><a:ln w="9525"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="28575"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst>"#
        + #"<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>"#
        + #"<a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme>"#
        + "</a:themeElements></a:theme>"
}
