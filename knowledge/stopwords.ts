/**
 * Words that say nothing about which procedure is meant, in the languages people write to
 * the bot, including SMS spellings ("jai", "pk", "stp"). Checked on normalised tokens
 * (lower case, no accents).
 */
const FR = `a au aux avec ce ces cet cette c ca ceci cela celui celle d da dans de des du elle elles en
et eu eux il ils j je jai jsuis chui suis es est sont etait etre ete avoir ai as avons avez ont avait
aurai aurais l la le les leur leurs lui m ma mais me meme mes moi mon n ne ni nos notre nous on ou
par pas pour pr qu que quel quelle quels quelles qui quoi s sa sans se ses si son sur t ta te tes toi
ton tu un une vos votre vous y deja aussi alors donc car comme plus moins tres trop bien bon bonne
peu beaucoup bcp tout tous toute toutes tt svp stp sil plait merci bonjour bonsoir slt salut bjr cc
coucou hello je voudrais voudrais veux veut voulais vouloir souhaite souhaiterais aimerais faut falloir
dois doit doivent devoir peux peut pouvez pouvoir puis puisse faire fais fait faites comment combien
quand pourquoi pk pq pcq parce ou est ce que qd k ke koi kel kelle dou dont oui non ok okay d accord
mr mme madame monsieur mes dames messieurs svp cordialement please besoin savoir sais sait info infos
information informations renseignement renseignements question questions aide aider ici la ya
avant apres maintenant aujourd hui encore toujours tjrs jamais rien chose choses truc trucs quelque
quelqu quelques autre autres etc cest sest jen jy jme jte ils elles mon ma mes ton ta tes ca svp
vers chez entre depuis pendant contre selon fois an ans mois jour jours semaine semaines
dit dire dis parle parler demander demande demandes demander
habite habites habitons habitez habitent habiter vis vit vivons vivez residant reside`;
const EN = `a an the and or but if of to in on at by for with from about as into is are was were be been
being am do does did doing have has had having i me my mine we our you your he she it its they them
their this that these those there here what which who whom whose when where why how can could would
should will shall may might must please hi hello hey thanks thank ok okay yes no not dont cant im ive
id so very just also too some any all each more most other such only own same than then now need
needs want wants wanted like get got know help info information question questions tell say said
much many lot lots something anything thing things way ask asking live lives living`;
const ES = `el la los las un una unos unas de del al y o pero si no que como para por con sin en es son
estoy esta este esto eso mi mis tu tus su sus yo me te se nos lo le les hola gracias quiero quisiera
necesito puedo hacer donde cuando cual cuanto muy mas ya tengo tiene hay`;
const PT = `o a os as um uma de do da dos das e ou mas se nao que como para por com sem em no na nos
nas e sou esta estou meu minha meus minhas seu sua eu me te voce ola obrigado obrigada quero queria
preciso posso fazer onde quando qual quanto muito mais ja tenho tem`;

const AR = `في من على الى إلى عن مع هل ما ماذا كيف أين اين متى لماذا هذا هذه ذلك تلك التي الذي انا أنا انت أنت
نحن هو هي لا نعم او أو ثم قد كان كانت يمكن يمكنني ممكن أريد اريد لو فضلك من فضلك شكرا عندي لدي لي كل بعض`;

/** The stop words of every language, as written (normalised by the caller). */
export const STOPWORD_LIST: readonly string[] = [FR, EN, ES, PT, AR].join(' ').split(/\s+/).filter((w) => w.length > 0);
